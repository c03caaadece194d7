public import Foundation

/// A pure decision function and its fold (style.md §1): a command yields events or a typed rejection, given
/// the state folded from the stream and the rules in force. Time, the actor and the rule set come in through
/// `RuleContext`, so every rule is a given-when-then test without storage or clock.
public protocol Decider {
    associatedtype Command: Sendable
    associatedtype State: Sendable
    associatedtype Rejection: DomainRejection
    static var initialState: State { get }
    static func decide(_ command: Command, state: State, rules: RuleContext) throws(Rejection) -> [DomainEvent]
    static func evolve(_ state: State, _ event: DomainEvent) -> State
    /// Folds an event whose ledger id is known. A stream whose corrections point at earlier events by id
    /// (`DeliveryCorrected.originalEventId`) remembers them; every other decider ignores the id.
    static func evolve(_ state: State, _ event: DomainEvent, eventID: UUID) -> State
}

extension Decider {
    public static func evolve(_ state: State, _ event: DomainEvent, eventID: UUID) -> State { evolve(state, event) }

    public static func fold(_ events: some Sequence<DomainEvent>) -> State { events.reduce(initialState, evolve) }

    /// The fold of events read from the ledger with their event ids, as the command layer loads a stream.
    public static func fold(identified events: some Sequence<(eventID: UUID, event: DomainEvent)>) -> State {
        events.reduce(initialState) { evolve($0, $1.event, eventID: $1.eventID) }
    }
}

/// What a decision may depend on besides its stream: the rule set in force on `occurredAt` (domain.md §3.1),
/// the business time itself and who acts.
public struct RuleContext: Sendable {
    public var ruleSet: RuleSet
    public var occurredAt: Instant
    public var actor: Actor

    public init(ruleSet: RuleSet, occurredAt: Instant, actor: Actor) {
        self.ruleSet = ruleSet
        self.occurredAt = occurredAt
        self.actor = actor
    }

    /// The business date of the decision in Europe/Warsaw.
    public var today: LocalDate { occurredAt.localDate }
}

/// Who issues a command: a staff member (by `StaffID`) in a role, or the system (`system:<name>`). The ledger
/// records `ledgerName` as the record's actor (a pseudonym, never a resident's name).
public struct Actor: Sendable, Hashable {
    public var role: ActorRole
    public var staffID: StaffID?
    /// For the system: the duty's name.
    public var systemName: String?

    public static func staff(_ id: StaffID, role: ActorRole) -> Actor {
        Actor(role: role, staffID: id, systemName: nil)
    }
    public static func system(_ name: String) -> Actor { Actor(role: .system, staffID: nil, systemName: name) }

    public var ledgerName: String {
        if let staffID { return "staff:\(staffID)" }
        return "system:\(systemName ?? "unnamed")"
    }
}

/// A domain rejection: closed enums per decider (style.md §4) that say which rule refused and with what
/// parameters, with a stable kebab-case `code` for HTTP problems and a message that echoes no personal data.
public protocol DomainRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rule of domain.md §3.2 (`L21`), or nil for a state or input check that is not a numbered rule.
    var rule: String? { get }
    var code: String { get }
}

/// The wording rejections share, so every decider says the same thing the same way.
enum RejectionText {
    static func notPermitted(_ role: ActorRole) -> String { "the \(role.rawValue) role may not do this" }

    static func invalidFields(_ violations: [FieldViolation]) -> String {
        "invalid fields: \(violations.map(\.description).joined(separator: "; "))"
    }
}
