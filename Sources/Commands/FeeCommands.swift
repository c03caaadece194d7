public import Domain
public import Ledger

/// Fee accounts (`feeaccount-<v5(personRef, programmeId)>`, domain.md §4.8). A payment's command id is
/// derived from its bank or desk reference (ledger.md G4's table), so an imported bank statement read twice
/// records each payment once.
public final class FeeCommands: Sendable {
    let pipeline: CommandPipeline
    public let facts: DomainFacts

    public init(services: CommandServices) {
        pipeline = services.pipeline
        facts = services.facts
    }

    /// A command on a resident's fee account in one programme, built from current facts.
    public func account(
        _ person: PersonRef, programme: ProgrammeID, envelope: CommandEnvelope,
        action: (DomainFacts) throws(CommandError) -> FeeAccountAction
    ) async throws(CommandError) -> CommandResult {
        try await pipeline.execute(
            FeeAccountDecider.self, stream: try LedgerNames.feeAccount(person, programme: programme),
            command: FeeAccountCommand(personRef: person, programmeId: programme, action: try action(facts)),
            envelope: envelope)
    }

    /// A payment under the command id its reference gives.
    public func receivePayment(
        _ payment: ReceivePayment, from person: PersonRef, programme: ProgrammeID, by actor: Actor,
        occurredAt: Instant
    ) async throws(CommandError) -> CommandResult {
        let key = Self.naturalKey(payment, from: person, programme: programme)
        let envelope = CommandEnvelope(
            commandID: key.commandID, actor: actor, occurredAt: occurredAt, fingerprint: key.fingerprint)
        return try await account(person, programme: programme, envelope: envelope) { _ in .receivePayment(payment) }
    }

    /// A payment's command id (from the account and its reference) and fingerprint, the same whichever way the
    /// payment arrives (HTTP, a bank statement, the generator).
    public static func naturalKey(_ payment: ReceivePayment, from person: PersonRef, programme: ProgrammeID) -> (
        commandID: UUID128, fingerprint: String
    ) {
        (
            NaturalKeyCommandID.payment(
                payer: person, programmeID: programme, reference: payment.paymentReference,
                businessDate: payment.receivedOn),
            "payment \(payment.paymentReference) \(payment.amount) \(payment.receivedOn)"
        )
    }
}
