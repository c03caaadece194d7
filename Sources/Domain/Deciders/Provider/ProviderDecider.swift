/// Decides the services organiser's provider commands (domain.md §4.3) on one `provider-<ProviderID>` stream:
/// registration, engagements for services of an active programme (L3, L23), capacity and suspension.
///
/// Dates are inclusive (`validTo`, a suspension's `until`), except the `effectiveFrom` of an ending, which is the
/// first day the engagement no longer runs. Capacity is unsigned in the catalogue, so "≥ 0" holds by type.
public enum ProviderDecider: Decider {
    public typealias Command = ProviderCommand
    public typealias State = ProviderState
    public typealias Rejection = ProviderRejection

    public static let initialState = ProviderState()

    public static func decide(
        _ command: ProviderCommand, state: ProviderState, rules: RuleContext
    ) throws(ProviderRejection) -> [DomainEvent] {
        guard rules.actor.role == .servicesOrganiser else { throw .notPermitted(role: rules.actor.role) }
        let events: [DomainEvent]
        switch command {
        case .registerProvider(let register): events = try decideRegistration(register, state: state)
        case .engageProvider(let engage): events = try decideEngagement(engage, state: state)
        case .changeCapacity(let change): events = try decideCapacity(change, state: state)
        case .amendEngagement(let amend): events = try decideAmendment(amend, state: state)
        case .endEngagement(let end): events = try decideEnd(end, state: state)
        case .suspendProvider(let suspend): events = try decideSuspension(suspend, state: state)
        }
        let violations = events.flatMap(\.fieldViolations)
        guard violations.isEmpty else { throw .invalidFields(violations) }
        return events
    }

    public static func evolve(_ state: ProviderState, _ event: DomainEvent) -> ProviderState {
        state.applying(event)
    }

    static func requireRegistered(
        _ state: ProviderState, providerId: ProviderID
    ) throws(ProviderRejection) -> ProviderID {
        guard let id = state.providerId else { throw .notRegistered }
        guard id == providerId else { throw .wrongProvider }
        return id
    }

    /// The engagement, provided it has not been ended.
    static func requireOpenEngagement(
        _ state: ProviderState, _ engagementId: EngagementID
    ) throws(ProviderRejection) -> ProviderState.Engagement {
        guard let engagement = state.engagements[engagementId] else {
            throw .unknownEngagement(engagementId: engagementId)
        }
        guard engagement.status == .active else { throw .engagementAlreadyEnded(engagementId: engagementId) }
        return engagement
    }

    private static func decideRegistration(
        _ command: RegisterProvider, state: ProviderState
    ) throws(ProviderRejection) -> [DomainEvent] {
        guard !state.isRegistered else { throw .alreadyRegistered }
        if let krs = command.krs, !RegistryNumber.isValidKRS(krs) { throw .invalidKRS }
        if let regon = command.regon, !RegistryNumber.isValidREGON(regon) { throw .invalidREGON }
        if let nip = command.nip, !RegistryNumber.isValidNIP(nip) { throw .invalidNIP }
        let registered = ProviderRegistered(
            providerId: command.providerId, name: command.name, providerType: command.providerType, krs: command.krs,
            regon: command.regon, nip: command.nip,
            personal: ProviderRegistered.Personal(contactPersons: command.contactPersons))
        return [.providerRegistered(registered)]
    }

    private static func decideCapacity(
        _ command: ChangeProviderCapacity, state: ProviderState
    ) throws(ProviderRejection) -> [DomainEvent] {
        let providerId = try requireRegistered(state, providerId: command.providerId)
        let engagement = try requireOpenEngagement(state, command.engagementId)
        guard engagement.serviceIds.contains(command.serviceId) else {
            throw .serviceNotInEngagement(serviceId: command.serviceId)
        }
        guard engagement.isActive(on: command.effectiveFrom) else {
            throw .engagementNotActive(engagementId: command.engagementId, on: command.effectiveFrom)
        }
        let changed = ProviderCapacityChanged(
            providerId: providerId, engagementId: command.engagementId, serviceId: command.serviceId,
            capacity: command.capacity, effectiveFrom: command.effectiveFrom)
        return [.providerCapacityChanged(changed)]
    }

    private static func decideEnd(
        _ command: EndProviderEngagement, state: ProviderState
    ) throws(ProviderRejection) -> [DomainEvent] {
        let providerId = try requireRegistered(state, providerId: command.providerId)
        let engagement = try requireOpenEngagement(state, command.engagementId)
        // Ending on the first day cancels the engagement; ending after its last day would change nothing.
        guard engagement.isActive(on: command.effectiveFrom) else {
            throw .engagementNotActive(engagementId: command.engagementId, on: command.effectiveFrom)
        }
        let ended = ProviderEngagementEnded(
            providerId: providerId, engagementId: command.engagementId, reason: command.reason,
            effectiveFrom: command.effectiveFrom)
        return [.providerEngagementEnded(ended)]
    }

    private static func decideSuspension(
        _ command: SuspendProvider, state: ProviderState
    ) throws(ProviderRejection) -> [DomainEvent] {
        let providerId = try requireRegistered(state, providerId: command.providerId)
        if let until = command.until, until < command.effectiveFrom {
            throw .periodEndsBeforeStart(from: command.effectiveFrom, to: until)
        }
        guard !state.suspensions.contains(where: { $0.overlaps(from: command.effectiveFrom, through: command.until) })
        else { throw .alreadySuspended }
        let suspended = ProviderSuspended(
            providerId: providerId, reason: command.reason, effectiveFrom: command.effectiveFrom,
            until: command.until)
        return [.providerSuspended(suspended)]
    }
}
