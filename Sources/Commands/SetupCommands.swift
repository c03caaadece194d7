public import Domain
import Ledger

/// The commands that set up a centre (domain.md §4.2, §4.3, §4.10): programmes and their catalogues, providers
/// and their engagements, staff qualifications and delegations, each on its own stream; and the publication of
/// a rule set of the rule book (§3.1). Facts from other streams (a programme's state for an engagement) come in
/// the command, read through `facts`.
public final class SetupCommands: Sendable {
    let pipeline: CommandPipeline
    let publisher: RuleSetPublisher
    public let facts: DomainFacts

    public init(services: CommandServices) {
        pipeline = services.pipeline
        publisher = RuleSetPublisher(store: services.ledger)
        facts = services.facts
    }

    public func programme(_ command: ProgrammeCommand, envelope: CommandEnvelope) async throws(CommandError)
        -> CommandResult
    {
        try await pipeline.execute(
            ProgrammeDecider.self, stream: try LedgerNames.stream(ProgrammeAdopted.category, command.programmeId),
            command: command, envelope: envelope)
    }

    public func provider(_ command: ProviderCommand, envelope: CommandEnvelope) async throws(CommandError)
        -> CommandResult
    {
        try await pipeline.execute(
            ProviderDecider.self, stream: try LedgerNames.stream(ProviderRegistered.category, command.providerId),
            command: command, envelope: envelope)
    }

    public func staff(_ staff: StaffID, _ command: StaffCommand, envelope: CommandEnvelope)
        async throws(CommandError) -> CommandResult
    {
        try await pipeline.execute(
            StaffDecider.self, stream: try LedgerNames.stream(StaffQualified.category, staff), command: command,
            envelope: envelope)
    }

    /// Publishes `version` of the rule book as `RuleSetPublished` (once; a version already published answers
    /// its original event). A version the rule book does not hold is refused.
    public func publish(_ version: RuleSetVersion) async throws(CommandError) -> CommandResult {
        let ruleSet: RuleSet
        do { ruleSet = try pipeline.ruleBook.ruleSet(version) } catch {
            throw CommandError(
                .rejected, "the rule book holds no rule set \(version)", rejectionCode: "unknown-rule-set")
        }
        return try await publisher.publish(ruleSet)
    }
}
