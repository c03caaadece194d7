/// The replay path's lookup of an event type by the bytes of its stored name (ledger.md P3): one hash of the
/// name's first and last eight bytes and one comparison find a small integer, with no `String` built. That
/// integer indexes the decoders of the type's schema versions and a projection's set of types, so a record a
/// projection does not read is skipped before anything else is decoded.
public struct EventTypeIndex: Sendable {
    public static let shared = EventTypeIndex()

    /// The stable names, in catalogue order: `names[index]` is the type `index(of:)` found.
    public let names: [String]
    private let nameBytes: [[UInt8]]
    /// Open addressing: each slot holds an index into `names`, or -1.
    private let slots: [Int]
    private let slotMask: Int
    /// Per type, its readable schema versions with their entry in `DomainEvent.clearDecoderList`.
    private let entries: [[(schemaVersion: UInt16, entry: Int)]]

    private init() {
        var names: [String] = []
        var entries: [[(schemaVersion: UInt16, entry: Int)]] = []
        for (entry, version) in DomainEvent.clearDecoderList.enumerated() {
            if let known = names.firstIndex(of: version.eventType) {
                entries[known].append((version.schemaVersion, entry))
            } else {
                names.append(version.eventType)
                entries.append([(version.schemaVersion, entry)])
            }
        }
        self.names = names
        self.entries = entries
        nameBytes = names.map { Array($0.utf8) }
        var capacity = 16
        while capacity < names.count * 4 { capacity *= 2 }
        slotMask = capacity - 1
        var slots = [Int](repeating: -1, count: capacity)
        for (index, bytes) in nameBytes.enumerated() {
            var slot = bytes.withUnsafeBytes { Self.hash($0) } & (capacity - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = index
        }
        self.slots = slots
    }

    public var count: Int { names.count }

    /// The index of the type named by `bytes`, or nil for a name this release does not know.
    public func index(of bytes: UnsafeRawBufferPointer) -> Int? {
        var slot = Self.hash(bytes) & slotMask
        // At most a quarter of the slots are taken, so an empty slot ends every probe.
        for _ in 0...slotMask {
            let index = slots[slot]
            if index < 0 { return nil }
            if nameBytes[index].isSame(as: bytes) { return index }
            slot = (slot + 1) & slotMask
        }
        return nil
    }

    public func index(of name: String) -> Int? {
        var name = name
        return name.withUTF8 { index(of: UnsafeRawBufferPointer($0)) }
    }

    /// The entry of `DomainEvent.clearDecoderList` that decodes the clear part (context excluded) of the type at
    /// `index`, at `schemaVersion`; older versions are upcast to the current type.
    func decoderEntry(index: Int, schemaVersion: UInt16) throws(PayloadCodingError) -> Int {
        guard entries.indices.contains(index) else {
            throw .unknownEventType("#\(index)", schemaVersion: schemaVersion)
        }
        // By index: iterating would copy the type's list out, retaining it.
        for version in entries[index].indices where entries[index][version].schemaVersion == schemaVersion {
            return entries[index][version].entry
        }
        throw .unknownEventType(names[index], schemaVersion: schemaVersion)
    }

    /// The length mixed with the first and the last eight bytes (or every byte of a shorter name).
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> Int {
        var value = UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15
        if bytes.count >= 8 {
            value ^= bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
            value = (value ^ (value >> 29)) &* 0xBF58_476D_1CE4_E5B9
            value ^= bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        } else {
            for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01B3 }
        }
        value = (value ^ (value >> 32)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: value ^ (value >> 29))
    }
}
