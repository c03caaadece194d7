public import Domain
public import Ledger
import Synchronization

/// Facts from other streams that a command carries to its decider (a decider only sees its own stream): the
/// folded state of the programme a service belongs to, the person an application is for, the staff member
/// who signs. Read just before deciding; the decision records its rule-set and programme versions, so replay
/// never re-reads them.
public struct DomainFacts: Sendable {
    let loader: StreamLoader
    private let queues = IncrementalFolds<ProgrammeID, QualificationQueue>()
    private let books = IncrementalFolds<String, AuthorisationBook>()

    public init(store: any EventStore) { loader = StreamLoader(store: store) }

    /// Who recorded the event that opened `stream` (its ledger name, `staff:<id>` or `system:<name>`); nil when
    /// the stream does not exist.
    public func openedBy(_ stream: StreamID) throws(CommandError) -> String? {
        do {
            return try loader.store.read(stream: stream, from: nil, direction: .forward, limit: 1).first?.metadata.actor
        } catch { throw CommandError(error) }
    }

    /// The state `D` folds from `stream` (empty when the stream does not exist).
    public func state<D: Decider>(_ decider: D.Type, of stream: StreamID) throws(CommandError) -> D.State {
        D.fold(try loader.load(stream).events)
    }

    public func programme(_ id: ProgrammeID) throws(CommandError) -> ProgrammeState {
        try state(ProgrammeDecider.self, of: try LedgerNames.stream(ProgrammeAdopted.category, id))
    }

    public func provider(_ id: ProviderID) throws(CommandError) -> ProviderState {
        try state(ProviderDecider.self, of: try LedgerNames.stream(ProviderRegistered.category, id))
    }

    public func programmeFacts(_ id: ProgrammeID) throws(CommandError) -> ProgrammeFacts {
        ProgrammeFacts(try programme(id))
    }

    public func person(_ ref: PersonRef) throws(CommandError) -> PersonState {
        try state(PersonDecider.self, of: try LedgerNames.stream(PersonRegistered.category, ref))
    }

    public func staff(_ id: StaffID) throws(CommandError) -> StaffState {
        try state(StaffDecider.self, of: try LedgerNames.stream(StaffQualified.category, id))
    }

    public func application(_ id: ApplicationID) throws(CommandError) -> ApplicationState {
        try state(ApplicationDecider.self, of: try LedgerNames.stream(ApplicationSubmitted.category, id))
    }

    public func plan(_ id: PlanID) throws(CommandError) -> PlanState {
        try state(PlanDecider.self, of: try LedgerNames.stream(PlanDrafted.category, id))
    }

    /// The plan as an authorisation sees it; nil when nothing is recorded on the plan's stream.
    public func planFacts(_ id: PlanID) throws(CommandError) -> PlanFacts? { PlanFacts(try plan(id)) }

    /// The programme's qualification queue (L10), folded from every `application-` event in position order;
    /// kept per programme and brought up to date from where it stopped, so each decision reads only new events.
    public func queue(_ programme: ProgrammeID) throws(CommandError) -> QualificationQueue {
        try queues.read(programme, category: ApplicationSubmitted.category, loader: loader) {
            QualificationQueue(programmeId: programme)
        } apply: { queue, record, event in
            queue.applying(event, at: record.position.rawValue)
        }
    }

    /// Every authorisation in brief (units per plan item, a provider's units per month), kept up to date the
    /// same way.
    public func authorisations() throws(CommandError) -> AuthorisationBook {
        try books.read("all", category: ServiceAuthorised.category, loader: loader) {
            AuthorisationBook()
        } apply: {
            book, _, event in
            book.applying(event)
        }
    }
}

/// Folds of one event category kept per key, each with the position to read on from.
final class IncrementalFolds<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var next: Position
    }

    private let entries = Mutex<[Key: Entry]>([:])

    func read(
        _ key: Key, category name: String, loader: StreamLoader, initial: () -> Value,
        apply: (Value, RecordedEvent, DomainEvent) -> Value
    ) throws(CommandError) -> Value {
        let category: Category
        do { category = try Category(name) } catch { throw CommandError(error) }
        return try entries.withLock { (entries: inout [Key: Entry]) throws(CommandError) -> Value in
            var entry = entries[key] ?? Entry(value: initial(), next: Position(rawValue: 0))
            defer { entries[key] = entry }
            entry.next = try StreamLoader.forEachRecord(from: entry.next) { (from, limit) throws(LedgerError) in
                try loader.store.read(category: category, from: from, limit: limit)
            } _: { (record: RecordedEvent) throws(CommandError) in
                entry.value = apply(entry.value, record, try StreamLoader.decode(record).event)
            }
            return entry.value
        }
    }
}
