extension RuleSet {
    /// A yearly date with no year, `MM-DD`, for due dates that recur every year (L29). Any day of a leap year is
    /// accepted, so `02-29` is valid; where it falls in a common year is the caller's rule.
    public struct MonthDay: Hashable, Comparable, Sendable {
        public let month: Int
        public let day: Int

        /// Nil unless the day exists in that month of a leap year.
        public init?(month: Int, day: Int) {
            guard (1...12).contains(month), (1...LocalDate.daysIn(month: month, year: 2000)).contains(day) else {
                return nil
            }
            self.month = month
            self.day = day
        }

        /// For `DefaultRuleSets.swift`, whose generator emits only dates it parsed as `MM-DD`.
        init(generatedMonth month: Int, day: Int) {
            precondition(MonthDay(month: month, day: day) != nil, "Tools/generate-rules emitted an invalid MM-DD")
            self.month = month
            self.day = day
        }

        /// Parses `MM-DD` exactly.
        public init?(_ text: some StringProtocol) {
            let bytes = Array(text.utf8)
            guard bytes.count == 5, bytes[2] == UInt8(ascii: "-"),
                let month = Self.number(bytes[0], bytes[1]), let day = Self.number(bytes[3], bytes[4])
            else { return nil }
            self.init(month: month, day: day)
        }

        /// The date in `year`, or nil for `02-29` in a common year.
        public func date(in year: Int) -> LocalDate? { LocalDate(year: year, month: month, day: day) }

        public static func < (lhs: MonthDay, rhs: MonthDay) -> Bool { (lhs.month, lhs.day) < (rhs.month, rhs.day) }

        private static func number(_ tens: UInt8, _ units: UInt8) -> Int? {
            let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
            guard digits.contains(tens), digits.contains(units) else { return nil }
            return Int(tens - UInt8(ascii: "0")) * 10 + Int(units - UInt8(ascii: "0"))
        }
    }
}

extension RuleSet.MonthDay: CustomStringConvertible {
    /// `MM-DD`.
    public var description: String {
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(twoDigits(month))-\(twoDigits(day))"
    }
}

extension RuleSet.MonthDay: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let monthDay = RuleSet.MonthDay(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "expected a yearly date MM-DD"))
        }
        self = monthDay
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
