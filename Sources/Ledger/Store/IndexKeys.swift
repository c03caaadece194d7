/// Key encodings of the ledger's databases (ledger.md §2.2). Integers are big-endian, so cursor order is
/// numeric order and `MDB_APPEND` rejects an out-of-order write.
enum IndexKeys {
    static func position(_ position: Position) -> [UInt8] { bigEndian(position.rawValue) }

    static func bigEndian(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

    static func uint64(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == 8 else { return nil }
        return UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
    }

    // The stream and name keys are encoded once, by `KeyBuilder` (which the writer reuses without allocating);
    // these copy its bytes for callers that need an array.

    /// `len u8 ‖ category ‖ streamUUID[16] ‖ version u64`.
    static func stream(_ stream: StreamID, version: StreamVersion) -> [UInt8] {
        var keys = KeyBuilder()
        return keys.withStreamKey(stream, version: version.rawValue) { Array($0) }
    }

    /// `len u8 ‖ category ‖ streamUUID[16]`: the prefix of every key of one stream in `streams`.
    static func streamPrefix(_ stream: StreamID) -> [UInt8] { Array(self.stream(stream, version: .first).dropLast(8)) }

    static func eventID(_ id: EventID) -> [UInt8] { id.rawValue.bytes }

    /// `len u8 ‖ name ‖ position u64`, for `byType` and `byCategory`.
    static func name(_ name: String, position: Position) -> [UInt8] {
        var keys = KeyBuilder()
        return keys.withNameKey(name, position: position.rawValue) { Array($0) }
    }

    static func namePrefix(_ name: String) -> [UInt8] { Array(self.name(name, position: .zero).dropLast(8)) }

    /// The position at the end of a `byType` / `byCategory` key, if the key has `prefix`.
    static func trailingPosition(_ key: UnsafeRawBufferPointer, prefix: [UInt8]) -> Position? {
        guard key.count == prefix.count + 8, key.starts(with: prefix) else { return nil }
        return Position(UInt64(bigEndian: key.loadUnaligned(fromByteOffset: prefix.count, as: UInt64.self)))
    }
}
