import Foundation

/// The duties' schedules and the charge look-back, read from a JSON file (`Schemas/duties/duties.schema.json`;
/// `cus ops … --duties FILE`) or `defaults`. These are operational settings of the centre's installation, not legal
/// parameters: the retention period is the rule set's `retention.personalDataYears` and fee rules are programme data
/// (domain.md §3.1), which the policies read from there.
///
/// ```json
/// {"schedules": {"readerCheck": {"every": 60}, "waitlistPromotion": {"at": "06:00"},
///                "monthlyCharge": {"day": 2, "at": "06:00"}},
///  "chargeLookbackMonths": 3, "backupsKept": 48}
/// ```
/// A duty missing from `schedules` keeps its default; an unknown duty or field is refused.
public struct DutyConfiguration: Hashable, Sendable {
    public static let jsonBytesMax = 64 * 1024
    public static let chargeLookbackMonthsMax = 24
    public static let backupsKeptMax = 10_000

    public var schedules: [DutyKind: DutySchedule]
    /// How many closed months back the monthly charge looks for delivered, uncharged service (1 = the previous month
    /// only); a longer look-back catches up after the duty could not run.
    public var chargeLookbackMonths: Int
    /// How many verified backups the backup duty keeps (the newest); older ones are removed after a new one verifies.
    public var backupsKept: Int

    public init(schedules: [DutyKind: DutySchedule], chargeLookbackMonths: Int, backupsKept: Int) {
        self.schedules = schedules
        self.chargeLookbackMonths = chargeLookbackMonths
        self.backupsKept = backupsKept
    }

    /// Promotion and retention daily, charges on the 2nd (deliveries of the month before are in by then), a
    /// checkpoint every 10 minutes (ledger.md §3.3), an hourly backup (§2.6) of which the last two days' stay, the
    /// reader check every 60 s (§2.4).
    public static let defaults = DutyConfiguration(
        schedules: [
            .waitlistPromotion: .daily(minuteOfDay: 6 * 60), .monthlyCharge: .monthly(day: 2, minuteOfDay: 6 * 60),
            .retentionErasure: .daily(minuteOfDay: 2 * 60), .checkpoint: .every(seconds: 600),
            .backup: .every(seconds: 3600), .readerCheck: .every(seconds: 60),
        ], chargeLookbackMonths: 3, backupsKept: 48)

    public func schedule(of duty: DutyKind) -> DutySchedule {
        schedules[duty] ?? Self.defaults.schedules[duty] ?? .every(seconds: 3600)
    }

    /// Reads a configuration file's bytes over `defaults`.
    public static func decode(json: [UInt8]) throws(DutyError) -> DutyConfiguration {
        guard json.count <= jsonBytesMax else {
            throw .invalidConfiguration(path: "(root)", reason: "larger than \(jsonBytesMax) bytes")
        }
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
                throw DutyError.invalidConfiguration(path: "(root)", reason: "not a JSON object")
            }
            object = parsed
        } catch let error as DutyError {
            throw error
        } catch {
            throw .invalidConfiguration(path: "(root)", reason: "malformed JSON")
        }
        var configuration = defaults
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            switch key {
            case "schedules":
                guard let schedules = value as? [String: Any] else {
                    throw .invalidConfiguration(path: "schedules", reason: "not an object")
                }
                for (name, schedule) in schedules.sorted(by: { $0.key < $1.key }) {
                    guard let duty = DutyKind(rawValue: name) else {
                        throw .invalidConfiguration(path: "schedules.\(name)", reason: "no such duty")
                    }
                    configuration.schedules[duty] = try parseSchedule(schedule, path: "schedules.\(name)")
                }
            case "chargeLookbackMonths":
                guard let months = value as? Int, (1...chargeLookbackMonthsMax).contains(months) else {
                    throw .invalidConfiguration(
                        path: key, reason: "an integer from 1 to \(chargeLookbackMonthsMax) is expected")
                }
                configuration.chargeLookbackMonths = months
            case "backupsKept":
                guard let kept = value as? Int, (1...backupsKeptMax).contains(kept) else {
                    throw .invalidConfiguration(path: key, reason: "an integer from 1 to \(backupsKeptMax) is expected")
                }
                configuration.backupsKept = kept
            default:
                throw .invalidConfiguration(path: key, reason: "unknown field")
            }
        }
        return configuration
    }

    /// `{"every": SECONDS}`, `{"at": "HH:MM"}` (daily) or `{"day": D, "at": "HH:MM"}` (monthly).
    static func parseSchedule(_ value: Any, path: String) throws(DutyError) -> DutySchedule {
        guard let fields = value as? [String: Any] else {
            throw .invalidConfiguration(path: path, reason: "not an object")
        }
        if let unknown = fields.keys.sorted().first(where: { !["every", "at", "day"].contains($0) }) {
            throw .invalidConfiguration(path: "\(path).\(unknown)", reason: "unknown field")
        }
        switch (fields["every"], fields["at"], fields["day"]) {
        case (let every?, nil, nil):
            guard let seconds = every as? Int, (1...31 * 86_400).contains(seconds) else {
                throw .invalidConfiguration(path: "\(path).every", reason: "seconds from 1 to 2678400 are expected")
            }
            return .every(seconds: Int64(seconds))
        case (nil, let at?, nil):
            return .daily(minuteOfDay: try minuteOfDay(at, path: "\(path).at"))
        case (nil, let at?, let day?):
            guard let day = day as? Int, (1...31).contains(day) else {
                throw .invalidConfiguration(path: "\(path).day", reason: "a day of the month from 1 to 31 is expected")
            }
            return .monthly(day: day, minuteOfDay: try minuteOfDay(at, path: "\(path).at"))
        default:
            throw .invalidConfiguration(
                path: path, reason: "give {\"every\": SECONDS}, {\"at\": \"HH:MM\"} or {\"day\": D, \"at\": \"HH:MM\"}")
        }
    }

    static func minuteOfDay(_ value: Any, path: String) throws(DutyError) -> Int {
        let parts = (value as? String)?.split(separator: ":", omittingEmptySubsequences: false) ?? []
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hours = Int(parts[0]),
            let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else { throw .invalidConfiguration(path: path, reason: "a time HH:MM is expected") }
        return hours * 60 + minutes
    }
}
