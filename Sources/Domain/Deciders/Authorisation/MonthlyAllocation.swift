/// How an authorisation's units spread over calendar months ("YYYY-MM"): as allocated, or pro rata by days when no
/// allocation is given (domain.md §4.7). Workload views and the capacity alert use the same spread.
public enum MonthlyAllocation {
    /// Calendar months an authorisation may touch; a longer period is refused rather than iterated.
    public static let periodMonthsMax = 120

    /// The month of `date` as "YYYY-MM".
    public static func month(of date: LocalDate) -> String {
        let (year, month, _) = date.components
        // Seven ASCII digits and a dash written in place: views build one per delivery.
        if (0...9999).contains(year) {
            return String(unsafeUninitializedCapacity: 7) { text in
                let digit = { (value: Int) in UInt8(ascii: "0") + UInt8(value % 10) }
                (text[0], text[1], text[2], text[3]) = (
                    digit(year / 1000), digit(year / 100), digit(year / 10), digit(year)
                )
                (text[4], text[5], text[6]) = (UInt8(ascii: "-"), digit(month / 10), digit(month))
                return 7
            }
        }
        let yearText = String(year)
        let monthText = String(month)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-"
            + (monthText.count < 2 ? "0" : "") + monthText
    }

    /// The months of `start ... end`, in order, at most `periodMonthsMax` of them.
    public static func months(from start: LocalDate, through end: LocalDate) -> [String] {
        var months: [String] = []
        var day = start
        while day <= end, months.count < periodMonthsMax {
            months.append(month(of: day))
            day = firstDayOfNextMonth(after: day)
        }
        return months
    }

    /// Units per month: `allocation` when given, else `units` pro rata by the days of `start ... end` in each month,
    /// rounded so that the months sum to `units` (cumulative rounding: no month drifts by more than one unit).
    public static func spread(
        units: UInt64, allocation: [MonthlyUnits], from start: LocalDate, through end: LocalDate
    ) -> [String: UInt64] {
        if !allocation.isEmpty { return allocation.reduce(into: [:]) { $0[$1.month, default: 0] += $1.units } }
        guard start <= end else { return [:] }
        let totalDays = UInt64(start.days(to: end) + 1)
        var result: [String: UInt64] = [:]
        var day = start
        var daysSoFar: UInt64 = 0
        var unitsSoFar: UInt64 = 0
        while day <= end, result.count < periodMonthsMax {
            let next = firstDayOfNextMonth(after: day)
            let lastDay = min(end, next.adding(days: -1))
            daysSoFar += UInt64(day.days(to: lastDay) + 1)
            let (product, overflow) = units.multipliedReportingOverflow(by: daysSoFar)
            let cumulative = overflow ? units : (product + totalDays / 2) / totalDays
            result[month(of: day), default: 0] += cumulative - unitsSoFar
            unitsSoFar = cumulative
            day = next
        }
        return result
    }

    public static func firstDayOfNextMonth(after date: LocalDate) -> LocalDate {
        let (year, month, _) = date.components
        let (nextYear, nextMonth) = month == 12 ? (year + 1, 1) : (year, month + 1)
        return LocalDate(year: nextYear, month: nextMonth, day: 1) ?? date.adding(days: 31)
    }
}
