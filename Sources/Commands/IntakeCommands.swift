public import Domain
import Ledger
import Vault

/// The commands of intake that need more than their own stream: registering a resident (the PESEL blind
/// index in the Vault), erasing one (ledger.md §4.3 through `PersonalDataErasure`), and every application
/// command, enriched with the person, staff, programme and queue facts it needs. Qualification decisions of
/// one programme run one at a time in this process (the only writer, ledger.md §2.5), whichever `IntakeCommands`
/// issues them (`CommandServices.qualificationQueues`), so the limit check and the append see the same queue (L10).
public final class IntakeCommands: Sendable {
    let pipeline: CommandPipeline
    let vault: Vault
    let erasure: PersonalDataErasure
    public let facts: DomainFacts
    let queueLocks: KeyedSerialQueue<ProgrammeID>

    public init(services: CommandServices) {
        queueLocks = services.qualificationQueues
        pipeline = services.pipeline
        vault = services.vault
        erasure = services.erasure
        facts = services.facts
    }

    /// Registers a resident once; a PESEL already in the blind index is refused (`duplicateNationalID`). The
    /// index entry is reserved before the append, so two concurrent registrations cannot both succeed; a
    /// reservation this call made is withdrawn when the registration is refused (a person registered already, a
    /// reused idempotency key, invalid fields), so it never names a person without that PESEL or one not registered.
    public func register(
        _ person: PersonRef, purposeTags: [String], identity: PersonRegistered.Personal, envelope: CommandEnvelope
    ) async throws(CommandError) -> CommandResult {
        var alreadyRegistered = false
        var reserved: String?
        if let nationalID = identity.nationalID, NationalID.isValidPESEL(nationalID) {
            do {
                let owner = try vault.subject(forNationalID: nationalID)
                alreadyRegistered = owner != nil && owner != UUID128(person.uuid)
                // Only an entry this call made is withdrawn on refusal: a concurrent registration of the same
                // person may have made it, and be recorded.
                if owner == nil, try await vault.recordNationalIDGroupCommitted(nationalID, for: UUID128(person.uuid)) {
                    reserved = nationalID
                }
            } catch { throw CommandError(error) }
        }
        let command = RegisterPerson(
            personRef: person, purposeTags: purposeTags, identity: identity,
            nationalIDAlreadyRegistered: alreadyRegistered)
        do {
            return try await pipeline.execute(
                PersonDecider.self, stream: try LedgerNames.stream(PersonRegistered.category, person),
                command: .register(command), envelope: envelope)
        } catch  where [.rejected, .invalidRequest, .idempotencyKeyReused].contains(error.code) {
            // Nothing was appended; an unknown outcome keeps the reservation (the registration may be recorded).
            if let reserved { try? await vault.releaseNationalID(reserved, from: UUID128(person.uuid)) }
            throw error
        }
    }

    /// Any other command on a resident's stream.
    public func person(_ person: PersonRef, _ command: PersonCommand, envelope: CommandEnvelope)
        async throws(CommandError) -> CommandResult
    {
        try await pipeline.execute(
            PersonDecider.self, stream: try LedgerNames.stream(PersonRegistered.category, person), command: command,
            envelope: envelope)
    }

    /// Erases a resident's personal data (ledger.md §4.3): receipt, keys destroyed, erasure list.
    public func erase(
        _ person: PersonRef, reason: ErasureReason, legalBasisRef: String, requestID: RequestID,
        envelope: CommandEnvelope
    ) async throws(CommandError) -> CommandResult {
        try await erasure.erase(person, decider: PersonDecider.self, envelope: envelope) { keyIDs in
            .erasePersonalData(
                PersonalDataErased(
                    personRef: person, keyIds: keyIDs, scope: "all", reason: reason, legalBasisRef: legalBasisRef,
                    requestId: requestID))
        }
    }

    /// A command on an application stream. `command` builds it from current facts; when it decides a place in
    /// a programme's queue, pass that programme as `queueOf` so such decisions run one at a time.
    public func application(
        _ application: ApplicationID, queueOf programme: ProgrammeID? = nil, envelope: CommandEnvelope,
        command: @Sendable @escaping (DomainFacts) throws(CommandError) -> ApplicationCommand
    ) async throws(CommandError) -> CommandResult {
        let stream = try LedgerNames.stream(ApplicationSubmitted.category, application)
        let run: @Sendable () async throws(CommandError) -> CommandResult = {
            [pipeline, facts] () async throws(CommandError) -> CommandResult in
            try await pipeline.execute(
                ApplicationDecider.self, stream: stream, command: try command(facts), envelope: envelope)
        }
        guard let programme else { return try await run() }
        // A programme never adopted has no queue: refused before a lock or a queue fold is made for an id the
        // request chose (each fold reads every application event once, and is kept).
        guard try facts.programme(programme).isAdopted else {
            throw CommandError(
                rejection: ApplicationRejection.programmeNotActive(programme, on: envelope.occurredAt.localDate))
        }
        return try await queueLocks.run(programme, run)
    }
}
