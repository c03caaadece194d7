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
}
