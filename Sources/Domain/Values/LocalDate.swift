import Foundation

/// A calendar date with no time and no zone (a business date: filedAt, effectiveFrom, a delivery's date).
/// Periods and deadlines are counted in these (domain.md §6.1, local dates in Europe/Warsaw), so arithmetic on
/// them never depends on a time zone database.
public struct LocalDate: Hashable, Comparable, Sendable {
    /// Days since 1970-01-01 (proleptic Gregorian).
    public let daysSinceEpoch: Int64

    public init(daysSinceEpoch: Int64) { self.daysSinceEpoch = daysSinceEpoch }

    /// Nil unless `year`-`month`-`day` is a real date between 0001-01-01 and 9999-12-31.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        daysSinceEpoch = Self.days(year: Int64(year), month: Int64(month), day: Int64(day))
    }

    /// Parses `YYYY-MM-DD` exactly (RFC 3339 full-date).
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
            let day = Self.number(bytes[8..<10])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    public var components: (year: Int, month: Int, day: Int) {
        // Howard Hinnant's civil_from_days.
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    public func adding(days: Int64) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + days) }

    /// The same day `months` later, clamped to the month's last day (2025-01-31 + 1 month = 2025-02-28).
    public func adding(months: Int) -> LocalDate {
        let (year, month, day) = components
        let total = year * 12 + (month - 1) + months
        let newYear = total / 12
        let newMonth = total % 12 + 1
        let newDay = min(day, Self.daysIn(month: newMonth, year: newYear))
        return LocalDate(daysSinceEpoch: Self.days(year: Int64(newYear), month: Int64(newMonth), day: Int64(newDay)))
    }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(to other: LocalDate) -> Int64 { other.daysSinceEpoch - daysSinceEpoch }

    /// Whole calendar months from `self` up to the day before `end` inclusive of a last partial month, as
    /// plan lengths are counted (domain.md L16): 2025-04-01 up to 2025-06-30 is 3 months.
    public func months(through lastDay: LocalDate) -> Int {
        let start = components
        let end = lastDay.adding(days: 1).components
        var months = (end.year - start.year) * 12 + (end.month - start.month)
        if end.day > start.day { months += 1 }
        return months
    }

    /// Whole calendar months from `self` through `lastDay`: the most `n` with `self + n months − 1 day ≤ lastDay`
    /// (2025-04-01 through 2025-06-01 is 2; through 2025-06-30, 3).
    public func wholeMonths(through lastDay: LocalDate) -> Int {
        let counted = months(through: lastDay)
        return adding(months: counted).adding(days: -1) > lastDay ? counted - 1 : counted
    }

    /// Whether `self ... lastDay` is a length `allowed` admits (L16): at least its lower bound in whole months, at
    /// most its upper bound counting a last part month as one. 2025-04-01 through 2025-06-01 is too short for 3–12.
    public func spans(months allowed: ClosedRange<Int>, through lastDay: LocalDate) -> Bool {
        wholeMonths(through: lastDay) >= allowed.lowerBound && months(through: lastDay) <= allowed.upperBound
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }
}

extension LocalDate: CustomStringConvertible {
    /// `YYYY-MM-DD`.
    public var description: String {
        let (year, month, day) = components
        func padded(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }
}

extension LocalDate: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = LocalDate(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected a date YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
