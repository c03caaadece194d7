public import Commands
public import Domain
import Ledger

/// Sends the policies' commands through the ordinary command pipeline as the `system` role, under the ids their
/// (policy, subject, period) give. A rejection (the ledger moved on since the projection was read: a place taken, a
/// charge already made by hand) leaves the subject for the next run or a person; any other error fails the duty.
public final class DutyCommandIssuer: Sendable {
    let intake: IntakeCommands
    let fees: FeeCommands

    public init(services: CommandServices) {
        intake = IntakeCommands(services: services)
        fees = FeeCommands(services: services)
    }

    public enum Result: Hashable, Sendable {
        case appended
        case alreadyRecorded
        case rejected(String)
    }

    public func issue(_ command: DutyCommand, at now: Instant) async throws(DutyError) -> Result {
        let envelope = CommandEnvelope(
            commandID: command.commandID, actor: .system(command.policy.actorName), occurredAt: now,
            fingerprint: command.fingerprint)
        let result: CommandResult
        do {
            result = try await send(command, envelope: envelope)
        } catch {
            guard error.code == .rejected else { throw .command(error) }
            return .rejected(error.message)
        }
        return result.wasAlreadyRecorded ? .alreadyRecorded : .appended
    }

    private func send(_ command: DutyCommand, envelope: CommandEnvelope) async throws(CommandError) -> CommandResult {
        let entity = DutyCommand.derivedEntityID(
            policy: command.policy, subject: command.subject, period: command.period)
        switch command.action {
        case .promote(let application, let programme, let validFrom):
            return try await intake.application(application, queueOf: programme, envelope: envelope) {
                facts throws(CommandError) in
                // The matched target group is the coordinator's finding at qualification; a promotion by the system
                // records none.
                .promoteFromWaitlist(
                    PromoteFromWaitlist(
                        qualificationId: QualificationID(uuid: entity.foundationUUID), programmeId: programme,
                        validFrom: validFrom, validTo: nil, groupMatched: [],
                        programme: try facts.programmeFacts(programme), queue: try facts.queue(programme)))
            }
        case .assess(let person, let programme, let assess):
            return try await fees.account(person, programme: programme, envelope: envelope) { _ in .assess(assess) }
        case .erase(let person, let years):
            return try await intake.erase(
                person, reason: .retentionExpired,
                legalBasisRef: "rule set retention.personalDataYears = \(years); expired \(command.period.lowerBound)",
                requestID: RequestID(uuid: entity.foundationUUID), envelope: envelope)
        }
    }
}
