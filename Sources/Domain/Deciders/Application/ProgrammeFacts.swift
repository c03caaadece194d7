/// What intake needs to know about one programme (program usług społecznych): whether it is in force on a date,
/// its version (recorded by decisions, domain.md §3.1) and each service's limits (L6, L10). A read-only view of
/// the programme decider's own state, which Commands folds from the `programme-` stream and passes in, so the
/// application decider never reads another stream and the two never disagree.
public struct ProgrammeFacts: Sendable, Hashable {
    public let state: ProgrammeState

    public init(_ state: ProgrammeState) { self.state = state }

    public var programmeId: ProgrammeID? { state.programmeId }
    public var programmeVersion: UInt64 { state.currentVersion }
    /// The version in force on `date` (domain.md §3.1: a decision records the version it was taken under): an
    /// amendment adopted but effective later does not govern decisions before its date.
    public func programmeVersion(inForceOn date: LocalDate) -> UInt64 {
        state.version(inForceOn: date) ?? state.currentVersion
    }
    /// Each service's definition: `limits` and `requiresPlan` among others.
    public var services: [String: ProgrammeState.Service] { state.services }
    public var ended: Bool { state.isEnded }

    public func isActive(on date: LocalDate) -> Bool { state.activePeriod?.contains(date) ?? false }

    public static func fold(_ events: some Sequence<DomainEvent>) -> ProgrammeFacts {
        ProgrammeFacts(ProgrammeDecider.fold(events))
    }
}
