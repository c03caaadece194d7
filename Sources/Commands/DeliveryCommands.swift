public import Domain
public import Ledger

/// Authorisations and providers' delivery reports (domain.md §4.7). A delivery's command id is derived from
/// (provider, the provider's delivery id, the delivery date) as ledger.md G4's table says, so a provider that
/// sends the same report twice gets the original result and nothing is written again.
public final class DeliveryCommands: Sendable {
    let pipeline: CommandPipeline
    public let facts: DomainFacts
    let gate: AsyncGate

    public init(services: CommandServices) {
        pipeline = services.pipeline
        facts = services.facts
        gate = services.authorisationGate
    }

    /// A command on an authorisation stream, built from current facts (plan, programme, provider…). Such commands
    /// run one at a time in this process (`CommandServices.authorisationGate`), the facts read inside: two orders
    /// for one plan item or provider cannot both pass the limits the other was about to use up.
    public func authorisation(
        _ authorisation: AuthorisationID, envelope: CommandEnvelope,
        command: (DomainFacts) throws(CommandError) -> AuthorisationCommand
    ) async throws(CommandError) -> CommandResult {
        let stream = try LedgerNames.stream(ServiceAuthorised.category, authorisation)
        return try await gate.run { () async throws(CommandError) -> CommandResult in
            try await pipeline.execute(
                AuthorisationDecider.self, stream: stream, command: try command(facts), envelope: envelope)
        }
    }

    /// A provider's delivery report; `plan` is the authorisation's plan, whose suspensions refuse deliveries.
    public func recordDelivery(
        _ authorisation: AuthorisationID, _ delivery: RecordDelivery, plan: PlanID? = nil, by actor: Actor,
        occurredAt: Instant
    ) async throws(CommandError) -> CommandResult {
        var report = delivery
        if let plan { report.plan = try facts.planFacts(plan) }
        let key = Self.naturalKey(delivery)
        let envelope = CommandEnvelope(
            commandID: key.commandID, actor: actor, occurredAt: occurredAt, fingerprint: key.fingerprint)
        return try await pipeline.execute(
            AuthorisationDecider.self, stream: try LedgerNames.stream(ServiceAuthorised.category, authorisation),
            command: .recordDelivery(report), envelope: envelope)
    }

    /// A delivery report's command id (from the provider, its delivery id and date) and fingerprint, the same
    /// whichever way the report arrives (HTTP, a provider's file, the generator).
    public static func naturalKey(_ delivery: RecordDelivery) -> (commandID: UUID128, fingerprint: String) {
        (
            NaturalKeyCommandID.delivery(
                providerID: delivery.providerId, deliveryID: delivery.deliveryId, businessDate: delivery.deliveredOn),
            "delivery \(delivery.providerId) \(delivery.deliveryId) \(delivery.deliveredOn) \(delivery.units)"
        )
    }
}
