public import Domain

/// When a duty falls due. Times of day are Europe/Warsaw wall-clock minutes after midnight, as the centre works.
public enum DutySchedule: Hashable, Sendable {
    /// Every so many seconds after the previous run (the reader check, the checkpoint and backup cadence).
    case every(seconds: Int64)
    /// Once a day, at `minuteOfDay`.
    case daily(minuteOfDay: Int)
    /// Once a month on `day` (the month's last day when it is shorter), at `minuteOfDay`.
    case monthly(day: Int, minuteOfDay: Int)

    /// The first time the duty is due after a run at `lastRun`; for a duty that never ran, its slot on `now`'s day
    /// (or `now` itself for `every`), so a new installation runs each duty at its first chance.
    public func nextRun(after lastRun: Instant?, now: Instant) -> Instant {
        switch self {
        case .every(let seconds):
            guard let lastRun else { return now }
            return Instant(microsecondsSinceEpoch: lastRun.microsecondsSinceEpoch + seconds * 1_000_000)
        case .daily(let minute):
            guard let lastRun else { return Self.slot(now.localDate, minute) }
            let sameDay = Self.slot(lastRun.localDate, minute)
            return sameDay > lastRun ? sameDay : Self.slot(lastRun.localDate.adding(days: 1), minute)
        case .monthly(let day, let minute):
            guard let lastRun else { return Self.monthSlot(now.localDate, day, minute) }
            let sameMonth = Self.monthSlot(lastRun.localDate, day, minute)
            return sameMonth > lastRun
                ? sameMonth : Self.monthSlot(Self.firstOfNextMonth(lastRun.localDate), day, minute)
        }
    }

    /// Whether a duty last run at `lastRun` is due at `now`.
    public func isDue(lastRun: Instant?, now: Instant) -> Bool { nextRun(after: lastRun, now: now) <= now }

    static func slot(_ day: LocalDate, _ minute: Int) -> Instant { Instant(local: day, minuteOfDay: minute) }

    static func monthSlot(_ inMonth: LocalDate, _ day: Int, _ minute: Int) -> Instant {
        let first = inMonth.adding(days: Int64(1 - inMonth.components.day))
        let last = firstOfNextMonth(inMonth).adding(days: -1)
        return slot(min(first.adding(days: Int64(day - 1)), last), minute)
    }

    static func firstOfNextMonth(_ day: LocalDate) -> LocalDate {
        MonthlyAllocation.firstDayOfNextMonth(after: day)
    }

    /// `every 60s`, `daily 06:00`, `monthly 2 06:00`: how `cus ops duties` prints it.
    public var text: String {
        switch self {
        case .every(let seconds): "every \(seconds)s"
        case .daily(let minute): "daily \(Self.clock(minute))"
        case .monthly(let day, let minute): "monthly day \(day) \(Self.clock(minute))"
        }
    }

    static func clock(_ minute: Int) -> String {
        let hours = minute / 60
        let minutes = minute % 60
        return (hours < 10 ? "0" : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }
}
