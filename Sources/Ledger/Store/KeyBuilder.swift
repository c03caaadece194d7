/// Builds index keys into one reused buffer, so the writer's hot loop allocates nothing per key
/// (encodings as `IndexKeys`, ledger.md §2.2).
struct KeyBuilder {
    private var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(128) }

    /// `len u8 ‖ category ‖ streamUUID[16] ‖ version u64`.
    mutating func withStreamKey<R>(_ stream: StreamID, version: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R)
        rethrows -> R
    {
        bytes.removeAll(keepingCapacity: true)
        appendName(stream.category.name)
        appendBigEndian(stream.id.high)
        appendBigEndian(stream.id.low)
        appendBigEndian(version)
        return try bytes.withUnsafeBytes(body)
    }

    /// `len u8 ‖ name ‖ position u64`, for `byType` and `byCategory`.
    mutating func withNameKey<R>(_ name: String, position: UInt64, _ body: (UnsafeRawBufferPointer) throws -> R)
        rethrows -> R
    {
        bytes.removeAll(keepingCapacity: true)
        appendName(name)
        appendBigEndian(position)
        return try bytes.withUnsafeBytes(body)
    }

    private mutating func appendName(_ name: String) {
        bytes.append(UInt8(truncatingIfNeeded: name.utf8.count))
        bytes.append(contentsOf: name.utf8)
    }

    private mutating func appendBigEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}

extension UUID128 {
    /// The 16 big-endian bytes, on the stack.
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(of: (high.bigEndian, low.bigEndian), body)
    }
}
