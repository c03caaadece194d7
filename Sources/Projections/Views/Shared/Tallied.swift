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
    mutating func tally<Key>(_ units: Int64, for key: Key) where Element == Tallied<Key> {
        if let index = firstIndex(where: { $0.key == key }) {
            self[index].units = self[index].units.adding(units)
            if self[index].units == 0 { remove(at: index) }
        } else if units > 0 {
            // The list is sorted and has no equal keys, so inserting in place is what appending and sorting gave.
            let index = firstIndex { key < $0.key } ?? endIndex
            insert(Tallied(key: key, units: UInt64(units)), at: index)
        }
    }
}

extension UInt64 {
    /// `self + change`, never below zero (a change taking back more than was counted stops at zero).
    func adding(_ change: Int64) -> UInt64 { UInt64(Swift.max(0, Int64(clamping: self) + change)) }
}
