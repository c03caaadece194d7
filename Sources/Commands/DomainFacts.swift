public import Domain
public import Ledger
import Synchronization

/// Facts from other streams that a command carries to its decider (a decider only sees its own stream): the
/// folded state of the programme a service belongs to, the person an application is for, the staff member
/// who signs. Read just before deciding; the decision records its rule-set and programme versions, so replay
/// never re-reads them.
public struct DomainFacts: Sendable {
    let loader: StreamLoader
    private let queues = QueueCache()

    public init(store: any EventStore) { loader = StreamLoader(store: store) }

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
        let category: Category
        do { category = try Category(ApplicationSubmitted.category) } catch { throw CommandError(error) }
        return try queues.withLock(programme) { (cached: inout QueueCache.Entry) throws(CommandError) in
            while true {
                let page: [RecordedEvent]
                do throws(LedgerError) {
                    page = try loader.store.read(
                        category: category, from: cached.next, limit: StreamLoader.pageEventsMax)
                } catch { throw CommandError(error) }
                for record in page {
                    cached.queue = cached.queue.applying(
                        try StreamLoader.decode(record).event, at: record.position.rawValue)
                }
                guard let last = page.last else { break }
                cached.next = last.position.next
                if page.count < StreamLoader.pageEventsMax { break }
            }
            return cached.queue
        }
    }
}

/// Each programme's queue and the position to read on from.
final class QueueCache: Sendable {
    struct Entry {
        var queue: QualificationQueue
        var next: Position
    }

    private let entries = Mutex<[ProgrammeID: Entry]>([:])

    func withLock<Result>(_ programme: ProgrammeID, _ body: (inout Entry) throws(CommandError) -> Result)
        throws(CommandError) -> Result
    {
        try entries.withLock { (entries: inout [ProgrammeID: Entry]) throws(CommandError) -> Result in
            var entry =
                entries[programme]
                ?? Entry(queue: QualificationQueue(programmeId: programme), next: Position(rawValue: 0))
            defer { entries[programme] = entry }
            return try body(&entry)
        }
    }
}
