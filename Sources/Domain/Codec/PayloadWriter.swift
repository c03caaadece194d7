/// Writes an event payload in the compact binary form of `Schemas/payload-codec.md`: fields in schema order,
/// no names or tags; unsigned integers as LEB128 varints, signed ones zigzag-encoded, strings and arrays with a
/// varint length prefix, UUIDs as 16 raw bytes. Hand-written (ADR 0006) because replay must decode a million
/// events a second on one core (ledger.md P3), which Foundation JSON cannot.
public struct PayloadWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 128) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the buffer, keeping its capacity for the next value.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    public mutating func write(unsigned value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    public mutating func write(signed value: Int64) {
        write(unsigned: UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func write(bool value: Bool) { bytes.append(value ? 1 : 0) }

    public mutating func write(raw: some Collection<UInt8>) { bytes.append(contentsOf: raw) }

    public mutating func write(string: String) {
        var string = string
        string.withUTF8 { utf8 in
            write(unsigned: UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    // The generic writers are inlinable so that other modules' row and event types get specialized copies
    // instead of a runtime metadata look-up on every call.
    @inlinable
    public mutating func write<Value: PayloadCodable>(_ value: Value) { value.encode(to: &self) }

    @inlinable
    public mutating func writeOptional<Value: PayloadCodable>(_ value: Value?) {
        guard let value else { return write(bool: false) }
        write(bool: true)
        value.encode(to: &self)
    }

    @inlinable
    public mutating func writeArray<Value: PayloadCodable>(_ values: [Value]) {
        write(unsigned: UInt64(values.count))
        for value in values { value.encode(to: &self) }
    }
}
