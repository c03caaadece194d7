public import Domain
public import Ledger

/// Facts from other streams that a command carries to its decider (a decider only sees its own stream): the
/// folded state of the programme a service belongs to, the person an application is for, the staff member
/// who signs. Read just before deciding; the decision records its rule-set and programme versions, so replay
/// never re-reads them.
public struct DomainFacts: Sendable {
    let loader: StreamLoader

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

    /// The programme's qualification queue (L10), folded from every `application-` event in position order.
    public func queue(_ programme: ProgrammeID) throws(CommandError) -> QualificationQueue {
        var events: [(position: UInt64, event: DomainEvent)] = []
        let category: Category
        do { category = try Category(ApplicationSubmitted.category) } catch { throw CommandError(error) }
        var from = Position(rawValue: 0)
        while true {
            let page: [RecordedEvent]
            do { page = try loader.store.read(category: category, from: from, limit: StreamLoader.pageEventsMax) } catch
            {
                throw CommandError(error)
            }
            for record in page { events.append((record.position.rawValue, try StreamLoader.decode(record).event)) }
            guard let last = page.last, page.count == StreamLoader.pageEventsMax else { break }
            from = last.position.next
        }
        return QualificationQueue.fold(programmeId: programme, events)
    }
}
