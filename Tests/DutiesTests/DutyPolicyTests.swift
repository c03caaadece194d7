import Commands
import Domain
@testable import Duties
import Foundation
import Testing

/// The policies alone: `(state, today) → commands`, no ledger.
@Suite("Duty policies")
struct DutyPolicyTests {
    func day(_ text: String) -> LocalDate { LocalDate(text) ?? LocalDate(daysSinceEpoch: 0) }

    /// A person per application, stable within a test.
    func person(_ application: ApplicationID) -> PersonRef { PersonRef(uuid: application.uuid) }

    @Test("Waitlist promotion takes as many waitlisted applicants as places are free, in filing order")
    func promotionInFilingOrder() {
        let programme = ProgrammeID(uuid: UUID())
        let (early, middle, late, done) = (
            ApplicationID(uuid: UUID()), ApplicationID(uuid: UUID()), ApplicationID(uuid: UUID()),
            ApplicationID(uuid: UUID())
        )
        let service = WaitlistPromotionPolicy.Service(
            programmeId: programme, serviceId: "care", maxPersons: 3, currentPersons: 1,
            entries: [
                .init(applicationId: done, personRef: person(done), filedAt: day("2025-01-02"), standing: .decided),
                .init(
                    applicationId: early, personRef: person(early), filedAt: day("2025-01-03"), standing: .waitlisted),
                .init(
                    applicationId: middle, personRef: person(middle), filedAt: day("2025-01-04"), standing: .waitlisted),
                .init(applicationId: late, personRef: person(late), filedAt: day("2025-01-05"), standing: .waitlisted),
            ])
        let commands = WaitlistPromotionPolicy.commands([service], today: day("2025-04-01")).commands
        #expect(
            commands.map(\.action) == [
                .promote(early, programme: programme, validFrom: day("2025-04-01")),
                .promote(middle, programme: programme, validFrom: day("2025-04-01")),
            ])
        var full = service
        full.currentPersons = 3
        #expect(WaitlistPromotionPolicy.commands([full], today: day("2025-04-01")).commands.isEmpty)
        // The same subject and period give the same command id on every run.
        #expect(
            commands[0].commandID
                == WaitlistPromotionPolicy.commands([service], today: day("2025-04-01")).commands[0].commandID)
        #expect(
            commands[0].commandID
                != WaitlistPromotionPolicy.commands([service], today: day("2025-04-02")).commands[0].commandID)
    }

    @Test("An applicant waitlisted in two services waits until a place is free in both")
    func promotionNeedsEveryService() {
        let programme = ProgrammeID(uuid: UUID())
        let application = ApplicationID(uuid: UUID())
        let entry = WaitlistPromotionPolicy.Entry(
            applicationId: application, personRef: person(application), filedAt: day("2025-01-03"),
            standing: .waitlisted)
        let care = WaitlistPromotionPolicy.Service(
            programmeId: programme, serviceId: "care", maxPersons: 1, currentPersons: 0, entries: [entry])
        var meals = care
        meals.serviceId = "meals"
        meals.currentPersons = 1
        #expect(WaitlistPromotionPolicy.commands([care, meals], today: day("2025-04-01")).commands.isEmpty)
        meals.currentPersons = 0
        #expect(WaitlistPromotionPolicy.commands([care, meals], today: day("2025-04-01")).commands.count == 1)
    }

    @Test("Nobody is promoted past an earlier applicant who waits in the same service, even one who cannot move")
    func headOfLine() {
        let programme = ProgrammeID(uuid: UUID())
        let (first, second) = (ApplicationID(uuid: UUID()), ApplicationID(uuid: UUID()))
        let care = WaitlistPromotionPolicy.Service(
            programmeId: programme, serviceId: "care", maxPersons: 5, currentPersons: 3,
            entries: [
                .init(
                    applicationId: first, personRef: person(first), filedAt: day("2025-01-03"), standing: .waitlisted),
                .init(
                    applicationId: second, personRef: person(second), filedAt: day("2025-01-04"), standing: .waitlisted),
            ])
        var meals = care
        meals.serviceId = "meals"
        meals.currentPersons = 5
        meals.entries = [
            .init(applicationId: first, personRef: person(first), filedAt: day("2025-01-03"), standing: .waitlisted)
        ]
        #expect(WaitlistPromotionPolicy.commands([care, meals], today: day("2025-04-01")).commands.isEmpty)
        meals.currentPersons = 4
        #expect(WaitlistPromotionPolicy.commands([care, meals], today: day("2025-04-01")).commands.count == 2)
    }

    @Test("An earlier application not decided yet keeps its claim on a free place")
    func undecidedClaims() {
        let programme = ProgrammeID(uuid: UUID())
        let (undecided, waiting) = (ApplicationID(uuid: UUID()), ApplicationID(uuid: UUID()))
        var care = WaitlistPromotionPolicy.Service(
            programmeId: programme, serviceId: "care", maxPersons: 2, currentPersons: 1,
            entries: [
                .init(
                    applicationId: undecided, personRef: person(undecided), filedAt: day("2025-01-03"),
                    standing: .undecided),
                .init(
                    applicationId: waiting, personRef: person(waiting), filedAt: day("2025-01-04"),
                    standing: .waitlisted),
            ])
        #expect(WaitlistPromotionPolicy.commands([care], today: day("2025-04-01")).commands.isEmpty)
        care.maxPersons = 3
        #expect(WaitlistPromotionPolicy.commands([care], today: day("2025-04-01")).commands.count == 1)
    }

    @Test("An erased applicant is not promoted, blocks those behind, and is listed for a person")
    func erasedApplicant() {
        let programme = ProgrammeID(uuid: UUID())
        let (erased, behind) = (ApplicationID(uuid: UUID()), ApplicationID(uuid: UUID()))
        let care = WaitlistPromotionPolicy.Service(
            programmeId: programme, serviceId: "care", maxPersons: 3, currentPersons: 0,
            entries: [
                .init(
                    applicationId: erased, personRef: person(erased), filedAt: day("2025-01-03"), standing: .waitlisted),
                .init(
                    applicationId: behind, personRef: person(behind), filedAt: day("2025-01-04"), standing: .waitlisted),
            ])
        let decision = WaitlistPromotionPolicy.commands([care], today: day("2025-04-01"), erased: [person(erased)])
        #expect(decision.commands.isEmpty)
        #expect(decision.leftOver.map(\.subject) == ["\(erased)/\(programme)"])
    }

    @Test("Retention erasure falls due the day after the period ends, once per person, never for the erased")
    func retention() {
        let (anna, bogdan, celina) = (PersonRef(uuid: UUID()), PersonRef(uuid: UUID()), PersonRef(uuid: UUID()))
        let persons = [
            RetentionErasurePolicy.Person(personRef: anna, lastActivity: day("2015-03-10"), isErased: false),
            RetentionErasurePolicy.Person(personRef: bogdan, lastActivity: day("2015-03-11"), isErased: false),
            RetentionErasurePolicy.Person(personRef: celina, lastActivity: day("2014-01-01"), isErased: true),
        ]
        let due = RetentionErasurePolicy.commands(persons, today: day("2025-03-11"), retentionYears: 10)
        #expect(due.map(\.action) == [.erase(anna, retentionYears: 10)])
        #expect(due[0].period == day("2025-03-11")...day("2025-03-11"))
        let later = RetentionErasurePolicy.commands(persons, today: day("2025-06-01"), retentionYears: 10)
        #expect(later.count == 2)
        #expect(later.first { $0.subject == "\(anna)" }?.commandID == due[0].commandID)
    }

    @Test("The charge months are the closed months before today's, oldest first")
    func chargeMonths() {
        let months = MonthlyChargePolicy.months(before: day("2025-03-02"), lookbackMonths: 2)
        #expect(months == [day("2025-01-01")...day("2025-01-31"), day("2025-02-01")...day("2025-02-28")])
    }

    @Test("Schedules: every, daily and monthly slots after a run")
    func schedules() throws {
        let now = Instant(startOf: day("2025-03-15")).advanced(byHours: 12)
        #expect(DutySchedule.every(seconds: 60).isDue(lastRun: nil, now: now))
        let minuteAgo = Instant(microsecondsSinceEpoch: now.microsecondsSinceEpoch - 30_000_000)
        #expect(!DutySchedule.every(seconds: 60).isDue(lastRun: minuteAgo, now: now))
        let daily = DutySchedule.daily(minuteOfDay: 6 * 60)
        #expect(daily.nextRun(after: now, now: now) == Instant(startOf: day("2025-03-16")).advanced(byHours: 6))
        #expect(daily.isDue(lastRun: nil, now: now))
        let monthly = DutySchedule.monthly(day: 31, minuteOfDay: 0)
        #expect(monthly.nextRun(after: now, now: now) == Instant(startOf: day("2025-03-31")))
        let february = Instant(startOf: day("2025-02-01"))
        #expect(monthly.nextRun(after: february, now: now) == Instant(startOf: day("2025-02-28")))
    }

    @Test("Daily slots are Warsaw wall-clock times on the days the clocks change too")
    func slotsAcrossClockChanges() throws {
        func utc(_ text: String) throws -> Instant { try #require(Instant(rfc3339: text)) }
        let six = DutySchedule.daily(minuteOfDay: 6 * 60)
        // 30 March 2025: 02:00 CET became 03:00 CEST. 26 October 2025: 03:00 CEST became 02:00 CET.
        let springEve = Instant(local: day("2025-03-29"), minuteOfDay: 7 * 60)
        #expect(six.nextRun(after: springEve, now: springEve) == (try utc("2025-03-30T04:00:00.000000Z")))
        let autumnEve = Instant(local: day("2025-10-25"), minuteOfDay: 7 * 60)
        #expect(six.nextRun(after: autumnEve, now: autumnEve) == (try utc("2025-10-26T05:00:00.000000Z")))
        // A slot late on the spring day stays on that day; a skipped time comes an hour later, a repeated one first.
        let lateSpring = Instant(local: day("2025-03-30"), minuteOfDay: 23 * 60 + 30)
        #expect(lateSpring == (try utc("2025-03-30T21:30:00.000000Z")) && lateSpring.localDate == day("2025-03-30"))
        #expect(Instant(local: day("2025-03-30"), minuteOfDay: 150) == (try utc("2025-03-30T01:30:00.000000Z")))
        #expect(Instant(local: day("2025-10-26"), minuteOfDay: 150) == (try utc("2025-10-26T00:30:00.000000Z")))
        #expect(Instant(local: day("2025-07-01"), minuteOfDay: 0) == Instant(startOf: day("2025-07-01")))
    }

    @Test("Schemas/duties/defaults.json is the built-in configuration")
    func defaultsFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/duties/defaults.json").path
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(try DutyConfiguration.decode(json: Array(bytes)) == .defaults)
        #expect(DutyKind.allCases.allSatisfy { DutyConfiguration.defaults.schedules[$0] != nil })
    }

    @Test("The configuration file overrides defaults and refuses what it does not know")
    func configuration() throws {
        let configuration = try DutyConfiguration.decode(
            json: Array(
                #"{"schedules": {"readerCheck": {"every": 30}, "monthlyCharge": {"day": 5, "at": "07:30"}}, "chargeLookbackMonths": 1}"#
                    .utf8))
        #expect(configuration.schedule(of: .readerCheck) == .every(seconds: 30))
        #expect(configuration.schedule(of: .monthlyCharge) == .monthly(day: 5, minuteOfDay: 7 * 60 + 30))
        #expect(configuration.schedule(of: .backup) == .every(seconds: 3600))
        #expect(configuration.chargeLookbackMonths == 1)
        for (json, path) in [
            (#"{"schedules": {"coffee": {"every": 1}}}"#, "schedules.coffee"),
            (#"{"schedules": {"backup": {"at": "25:00"}}}"#, "schedules.backup.at"),
            (#"{"chargeLookbackMonths": 0}"#, "chargeLookbackMonths"), (#"{"colour": 1}"#, "colour"),
            (#"{"backupsKept": 0}"#, "backupsKept"),
            ("[1]", "(root)"), ("{", "(root)"),
        ] {
            #expect(throws: DutyError.self) { try DutyConfiguration.decode(json: Array(json.utf8)) }
            do {
                _ = try DutyConfiguration.decode(json: Array(json.utf8))
            } catch {
                guard case .invalidConfiguration(let found, _) = error else { Issue.record("\(error)"); continue }
                #expect(found == path)
            }
        }
    }
}

@Suite("The backup duty keeps the newest backups")
struct BackupPruningTests {
    @Test("The oldest timestamped backups go; anything else in the directory stays")
    func prunesOldest() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prune-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stamps = ["20250101000000", "20250101010000", "20250101020000", "20250101030000"]
        for name in stamps + ["notes", "2025010104000"] { try makeBackup(name, in: directory, verified: true) }
        let removed = try LedgerMaintenance.pruneBackups(in: directory, keeping: 2)
        #expect(removed == stamps.prefix(2).map { "\(directory)/\($0)" })
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["20250101020000", "20250101030000", "2025010104000", "notes"])
        #expect(try LedgerMaintenance.pruneBackups(in: directory, keeping: 2).isEmpty)
    }

    @Test("Copies that never verified count for nothing: they never push a verified backup out, and go once older")
    func unverifiedNotCounted() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prune-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A verified backup, then forty failed hours (a full disk), then one more verified.
        try makeBackup("20250101000000", in: directory, verified: true)
        for hour in 1...40 {
            try makeBackup(
                String(format: "202501%02d%02d0000", 2 + hour / 24, hour % 24), in: directory, verified: false)
        }
        try makeBackup("20250105000000", in: directory, verified: true)
        #expect(try LedgerMaintenance.pruneBackups(in: directory, keeping: 2).isEmpty)
        let unverifiedNewest = "20250106000000"
        try makeBackup(unverifiedNewest, in: directory, verified: false)
        try makeBackup("20250107000000", in: directory, verified: true)
        let removed = try LedgerMaintenance.pruneBackups(in: directory, keeping: 2)
        #expect(removed.count == 41)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
                == ["20250105000000", unverifiedNewest, "20250107000000"])
    }

    private func makeBackup(_ name: String, in directory: String, verified: Bool) throws {
        try FileManager.default.createDirectory(
            atPath: "\(directory)/\(name)/ledger", withIntermediateDirectories: true)
        if verified {
            try Data("verified\n".utf8).write(
                to: URL(fileURLWithPath: "\(directory)/\(name)/\(LedgerMaintenance.verifiedMarker)"))
        }
    }
}

extension Instant {
    func advanced(byHours hours: Int64) -> Instant {
        Instant(microsecondsSinceEpoch: microsecondsSinceEpoch + hours * 3_600_000_000)
    }
}
