public import Domain
import Ledger

/// Individual plans (IPUS, `plan-<PlanID>`, domain.md §4.6), with the facts their rules need from the
/// application, person and staff streams. An approval's 30-day deadline (L15) is the one of the rule set in
/// force when the application was filed (domain.md §3.1: clocks use the rule set at `filedAt`).
public final class PlanCommands: Sendable {
    let pipeline: CommandPipeline
    public let facts: DomainFacts

    public init(services: CommandServices) {
        pipeline = services.pipeline
        facts = services.facts
    }

    /// A command on a plan stream, built from current facts.
    public func plan(
        _ plan: PlanID, envelope: CommandEnvelope, command: (DomainFacts) throws(CommandError) -> PlanCommand
    ) async throws(CommandError) -> CommandResult {
        try await pipeline.execute(
            PlanDecider.self, stream: try LedgerNames.stream(PlanDrafted.category, plan), command: try command(facts),
            envelope: envelope)
    }

    /// Approves the plan as `envelope`'s actor, with the deadline of the rule set in force at `filedAt`.
    public func approve(
        _ plan: PlanID, application: ApplicationID, approver: StaffID?, lateReason: String? = nil,
        envelope: CommandEnvelope
    ) async throws(CommandError) -> CommandResult {
        let applicationState = try facts.application(application)
        var deadlineDays: Int?
        if let filedAt = applicationState.submission?.filedAt {
            do { deadlineDays = try pipeline.ruleBook.ruleSet(inForceOn: filedAt).parameters.plan.deadlineDays } catch {
                throw CommandError(.invalidRequest, "no rule set in force on the filing date \(filedAt): \(error)")
            }
        }
        let approverState =
            try approver.map { (id: StaffID) throws(CommandError) in try facts.staff(id) } ?? StaffState()
        return try await self.plan(plan, envelope: envelope) { _ in
            .approve(
                ApprovePlan(
                    approver: approverState, application: applicationState, lateReason: lateReason,
                    deadlineDays: deadlineDays))
        }
    }
}
