public import Domain

/// Units counted against one key (a date, a person), kept as a sorted list in a row: corrections add
/// negative units and reversals take them back, and a key whose units fall to zero leaves the list.
public struct Tallied<Key: PayloadCodable & Comparable & Hashable & Sendable>: PayloadCodable, Hashable, Sendable {
    public var key: Key
    public var units: UInt64

    public init(key: Key, units: UInt64) {
        self.key = key
        self.units = units
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(key)
        writer.write(units)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        key = try reader.read()
        units = try reader.read()
    }
}

/// Effective units delivered on a date (PlanStatusView's `lastDeliveryAt`, ProviderWorkload's first delivery).
public typealias DatedUnits = Tallied<LocalDate>

extension Tallied where Key == LocalDate {
    public init(date: LocalDate, units: UInt64) { self.init(key: date, units: units) }
    public var date: LocalDate { key }
}

extension Array {
    /// Adds (or with a negative count removes) `units` for `key`, keeping the list sorted by key and free of zeros.
    /// The list is sorted with no equal keys, so a binary search finds the key or where it goes.
    mutating func tally<Key>(_ units: Int64, for key: Key) where Element == Tallied<Key> {
        let low = insertionIndex(of: key)
        if low < endIndex, self[low].key == key {
            self[low].units = self[low].units.adding(units)
            if self[low].units == 0 { remove(at: low) }
        } else if units > 0 {
            insert(Tallied(key: key, units: UInt64(units)), at: low)
        }
    }

    /// The units tallied for `key`; zero when it has none.
    func units<Key>(for key: Key) -> UInt64 where Element == Tallied<Key> {
        let index = insertionIndex(of: key)
        return index < endIndex && self[index].key == key ? self[index].units : 0
    }

    /// Where `key` is, or would go, in the sorted list.
    private func insertionIndex<Key>(of key: Key) -> Int where Element == Tallied<Key> {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = low + (high - low) / 2
            if self[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension UInt64 {
    /// `self + change`, never below zero (a change taking back more than was counted stops at zero).
    func adding(_ change: Int64) -> UInt64 { UInt64(Swift.max(0, Int64(clamping: self) + change)) }
}
