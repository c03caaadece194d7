import Domain
import Foundation

/// Shared given-when-then helpers for the decider tests: dates, deterministic ids and rule contexts.
enum IntakeFixture {
    static func day(_ text: String) -> LocalDate {
        guard let date = LocalDate(text) else { preconditionFailure("bad test date \(text)") }
        return date
    }

    static func uuid(_ number: UInt8, _ kind: UInt8 = 0) -> UUID {
        UUID(uuid: (kind, 0, 0, 0, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, number))
    }

    static let statutory: RuleSet = {
        guard let ruleSet = RuleBook.defaults.ruleSets.first else { preconditionFailure("no default rule set") }
        return ruleSet
    }()

    /// The statutory set with a non-zero backdating threshold, so both sides of it can be tested.
    static func ruleSet(backdatingAlertDays: Int = 14, _ change: (inout RuleSet) -> Void = { _ in }) -> RuleSet {
        var ruleSet = statutory
        ruleSet.parameters.application.backdatingAlertDays = backdatingAlertDays
        change(&ruleSet)
        return ruleSet
    }

    static let directorID = StaffID(uuid: uuid(1, 9))
    static let clerkID = StaffID(uuid: uuid(2, 9))
    static let coordinatorID = StaffID(uuid: uuid(3, 9))

    static func context(
        _ role: ActorRole, on date: String, staff: StaffID? = nil, ruleSet: RuleSet = IntakeFixture.ruleSet()
    ) -> RuleContext {
        let actor: Actor =
            role == .system
            ? .system("test-duty")
            : .staff(staff ?? (role == .director ? directorID : clerkID), role: role)
        return RuleContext(ruleSet: ruleSet, occurredAt: Instant(startOf: day(date)), actor: actor)
    }
}
