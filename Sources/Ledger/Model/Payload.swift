/// The clear part of a recorded event (ledger.md §3.1 `payload`): immutable bytes, indexed from 0.
///
/// A scan (`Ledger.scanEvents`, `readAll`) copies the records of one read snapshot into a shared buffer of
/// about 64 KiB and hands out payloads that slice it, so a replay allocates once per buffer instead of once per
/// event (ADR 0007). A payload therefore keeps its whole buffer alive: to hold one for long after the scan,
/// keep `Array(payload)` instead. Out-of-range indices trap, as an array's do.
public struct Payload: RandomAccessCollection, Hashable, Sendable, CustomStringConvertible {
    private let storage: ArraySlice<UInt8>

    public init(_ bytes: [UInt8]) { storage = bytes[...] }

    public init(_ bytes: ArraySlice<UInt8>) { storage = bytes }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }
    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    public subscript(position: Int) -> UInt8 { storage[storage.startIndex + position] }

    public func withContiguousStorageIfAvailable<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        try storage.withContiguousStorageIfAvailable(body)
    }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    /// The size only: payloads stay out of logs and error messages (style.md §4).
    public var description: String { "\(count) bytes" }
}
