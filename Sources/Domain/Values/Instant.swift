public import Foundation

/// A moment in business time (`occurredAt`), microseconds since 1970-01-01T00:00Z like the ledger's
/// `recordedAt`. Rules take the local date of it in Europe/Warsaw (`localDate`).
public struct Instant: Hashable, Comparable, Sendable {
    public let microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) { self.microsecondsSinceEpoch = microsecondsSinceEpoch }

    public init(_ date: Date) {
        microsecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// Midnight at the start of `date` in Europe/Warsaw.
    public init(startOf date: LocalDate) {
        let utcMidnight = date.daysSinceEpoch * 86_400
        let offset = Int64(WarsawTime.offsetSeconds(atUTCSeconds: utcMidnight - 3600))
        microsecondsSinceEpoch = (utcMidnight - offset) * 1_000_000
    }

    /// The wall-clock time `minuteOfDay` minutes after midnight on `date` in Europe/Warsaw (06:00 is 06:00 on the
    /// days clocks change too). A time the spring change skips (02:00–02:59) is the same time after the jump (an
    /// hour later); one the autumn change repeats is its first occurrence.
    public init(local date: LocalDate, minuteOfDay: Int) {
        let localSeconds = date.daysSinceEpoch * 86_400 + Int64(minuteOfDay) * 60
        // Summer time first, so a repeated hour gives its first occurrence.
        let fitting = [7200, 3600].first { offset in
            WarsawTime.offsetSeconds(atUTCSeconds: localSeconds - Int64(offset)) == offset
        }
        microsecondsSinceEpoch = (localSeconds - Int64(fitting ?? 3600)) * 1_000_000
    }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    /// The calendar date of this instant in Europe/Warsaw.
    public var localDate: LocalDate {
        let seconds = microsecondsSinceEpoch.dividedFloor(by: 1_000_000)
        let local = seconds + Int64(WarsawTime.offsetSeconds(atUTCSeconds: seconds))
        return LocalDate(daysSinceEpoch: local.dividedFloor(by: 86_400))
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }
}

extension Int64 {
    fileprivate func dividedFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}

/// Europe/Warsaw's offset from UTC: CET (+1 h), and CEST (+2 h) from the last Sunday of March 01:00 UTC to the
/// last Sunday of October 01:00 UTC (EU rule, in force since 1996). Computed rather than read from the system
/// time zone database so the same event gives the same local date on every machine.
enum WarsawTime {
    static func offsetSeconds(atUTCSeconds seconds: Int64) -> Int {
        let year = LocalDate(daysSinceEpoch: seconds.dividedFloor(by: 86_400)).components.year
        let start = lastSunday(month: 3, year: year).daysSinceEpoch * 86_400 + 3600
        let end = lastSunday(month: 10, year: year).daysSinceEpoch * 86_400 + 3600
        return (start..<end).contains(seconds) ? 7200 : 3600
    }

    private static func lastSunday(month: Int, year: Int) -> LocalDate {
        guard let last = LocalDate(year: year, month: month, day: 31) else { return LocalDate(daysSinceEpoch: 0) }
        // 1970-01-01 was a Thursday: weekday 0 = Sunday when (days + 4) mod 7 == 0.
        let weekday = ((last.daysSinceEpoch + 4) % 7 + 7) % 7
        return last.adding(days: -weekday)
    }
}

extension Instant: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let instant = Instant(rfc3339: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected an RFC 3339 UTC date-time"))
        }
        self = instant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rfc3339)
    }
}

extension Instant {
    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, always UTC with microseconds, as the export's `recordedAt`.
    public var rfc3339: String {
        let seconds = microsecondsSinceEpoch.dividedFloor(by: 1_000_000)
        let micros = microsecondsSinceEpoch - seconds * 1_000_000
        let day = LocalDate(daysSinceEpoch: seconds.dividedFloor(by: 86_400))
        let secondOfDay = seconds - day.daysSinceEpoch * 86_400
        func padded(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(day)T\(padded(secondOfDay / 3600, 2)):\(padded(secondOfDay / 60 % 60, 2)):"
            + "\(padded(secondOfDay % 60, 2)).\(padded(micros, 6))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)`; digits past microseconds are truncated.
    public init?(rfc3339 text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, let date = LocalDate(String(decoding: bytes[0..<10], as: UTF8.self)),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = Self.digits(bytes[11..<13]), let minute = Self.digits(bytes[14..<16]),
            let second = Self.digits(bytes[17..<19]), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var micros: Int64 = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var count = 0
            while index < bytes.count, let digit = Self.digits(bytes[index..<index + 1]) {
                if count < 6 { micros = micros * 10 + digit }
                count += 1
                index += 1
            }
            guard (1...9).contains(count) else { return nil }
            for _ in count..<6 { micros *= 10 }
        }
        guard index < bytes.count else { return nil }
        var offsetSeconds: Int64 = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard bytes.count == index + 6, bytes[index + 3] == UInt8(ascii: ":"),
                let offsetHours = Self.digits(bytes[index + 1..<index + 3]),
                let offsetMinutes = Self.digits(bytes[index + 4..<index + 6]), offsetHours < 24, offsetMinutes < 60
            else { return nil }
            offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = date.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        microsecondsSinceEpoch = seconds * 1_000_000 + micros
    }

    private static func digits(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        for byte in bytes {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
