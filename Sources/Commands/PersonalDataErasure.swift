public import Foundation
public import Domain
public import Ledger
public import Vault
import Synchronization

/// Erasure as ledger.md §4.3, step by step: (2) the `PersonalDataErased` receipt is appended first — the
/// decider checks who may erase and that it happens once; (3) one keys-env transaction destroys the person's
/// keys and records their tombstones; (4) cached keys are evicted; (5) the receipt's position and key ids go
/// to the erasure list. `reapplyAll` repeats steps 3–5 for every receipt at start-up, so a crash between any
/// two steps is repaired before anything is served.
public final class PersonalDataErasure: Sendable {
    let pipeline: CommandPipeline
    let vault: Vault
    let erasureList: ErasureList
    /// In a struct, so reading it through `withLock` does not wrap the closure again each time (see
    /// `LedgerWriter.observer`).
    private let observer = Mutex<Observer?>(nil)

    private struct Observer {
        let erased: @Sendable () -> Void
    }

    public init(pipeline: CommandPipeline, vault: Vault, erasureList: ErasureList) {
        self.pipeline = pipeline
        self.vault = vault
        self.erasureList = erasureList
    }

    /// Erases `person`: `receipt` turns the key ids to destroy into the decider's erase command.
    public func erase<D: Decider>(
        _ person: PersonRef, decider: D.Type, envelope: CommandEnvelope, receipt: ([UUID]) -> D.Command
    ) async throws(CommandError) -> CommandResult {
        let subject = UUID128(person.uuid)
        let keyIDs: [UUID128]
        do { keyIDs = try vault.keyIDs(of: subject) } catch { throw CommandError(error) }
        let stream = try LedgerNames.stream(PersonRegistered.category, person)
        // No read that starts from here decrypts with these keys; they are released if nothing was recorded.
        vault.withhold(keyIDs)
        let result: CommandResult
        do {
            result = try await pipeline.execute(
                decider, stream: stream, command: receipt(keyIDs.map(\.foundationUUID)), envelope: envelope)
        } catch  where error.code == .rejected {
            vault.release(keyIDs)
            // Refused, perhaps because a receipt is already recorded whose keys outlived it (their destruction
            // failed after the append, ledger.md §4.3): destroy them now rather than at the next start, then
            // refuse as before.
            if try repairRecordedErasure(of: person) { observer.withLock { $0 }?.erased() }
            throw error
        } catch  where error.code == .outcomeUnknown {
            // The receipt may be recorded: the keys stay withheld until a restart settles it either way.
            throw error
        } catch {
            vault.release(keyIDs)
            throw error
        }
        guard let position = result.lastPosition else {
            vault.release(keyIDs)
            throw CommandError(.invalidRequest, "the erasure decided no receipt for \(person)")
        }
        // A failure here leaves the keys withheld: refused until the next request or start destroys them.
        try destroyKeys(of: subject, receiptPosition: position, keyIDs: keyIDs)
        vault.release(keyIDs)
        observer.withLock { $0 }?.erased()
        return result
    }

    /// Steps 3–5 again for `person`'s recorded receipts; idempotent. Returns whether there was one.
    func repairRecordedErasure(of person: PersonRef) throws(CommandError) -> Bool {
        let erasure = PersonalDataErasureReplay(vault: vault, erasureList: erasureList)
        var found = false
        try Self.forEachReceipt(in: pipeline.store) { receipt, position throws(CommandError) in
            guard receipt.personRef == person else { return }
            try erasure.apply(receipt, at: position)
            found = true
        }
        return found
    }

    /// Calls `observer` after each erasure has destroyed its keys (the server asks for a keys-env compaction).
    public func observeErasures(_ observer: @escaping @Sendable () -> Void) {
        self.observer.withLock { $0 = Observer(erased: observer) }
    }

    /// Steps 3–5 for one receipt; idempotent.
    func destroyKeys(of subject: UUID128, receiptPosition: Position, keyIDs: [UUID128]) throws(CommandError) {
        try PersonalDataErasureReplay(vault: vault, erasureList: erasureList)
            .destroy(subject: subject, at: receiptPosition, listed: keyIDs)
    }

    /// What start-up re-application found.
    public struct Report: Sendable, Hashable {
        public var receipts: Int
        public var listEntriesReplayed: Int
    }

    /// Re-applies every `PersonalDataErased` receipt of the ledger, then every erasure-list entry (a keys env
    /// restored from an older backup must lose those keys again, ledger.md §4.5). Run before serving.
    public static func reapplyAll(store: any EventStore, vault: Vault, erasureList: ErasureList)
        throws(CommandError) -> Report
    {
        let erasure = PersonalDataErasureReplay(vault: vault, erasureList: erasureList)
        var listed: [(position: Position, keyIDs: [UUID128])] = []
        try forEachReceipt(in: store) { receipt, position throws(CommandError) in
            listed.append((position, try erasure.eraseKeys(receipt, at: position)))
        }
        let replayed: Int
        do {
            // Each receipt's keys destroyed first (step 3), then listed (step 5), in one append for all of them.
            try erasureList.append(listed)
            replayed = try vault.apply(erasureList)
        } catch { throw CommandError(error) }
        return Report(receipts: listed.count, listEntriesReplayed: replayed)
    }
}

extension PersonalDataErasure {
    /// Every `PersonalDataErased` receipt of the ledger with its position, through `byType`.
    static func forEachReceipt(
        in store: any EventStore, _ body: (PersonalDataErased, Position) throws(CommandError) -> Void
    ) throws(CommandError) {
        let type = try LedgerNames.eventType(PersonalDataErased.eventType)
        try StreamLoader.forEachRecord(from: Position(rawValue: 0)) { (from, limit) throws(LedgerError) in
            try store.read(type: type, from: from, limit: limit)
        } _: { (record: RecordedEvent) throws(CommandError) in
            guard case .personalDataErased(let receipt) = try StreamLoader.decode(record).event else { return }
            try body(receipt, record.position)
        }
    }
}

/// Steps 3–5 of one recorded receipt.
struct PersonalDataErasureReplay {
    let vault: Vault
    let erasureList: ErasureList

    func apply(_ receipt: PersonalDataErased, at position: Position) throws(CommandError) {
        try list(try eraseKeys(receipt, at: position), at: position)
    }

    func destroy(subject: UUID128, at position: Position, listed: [UUID128]) throws(CommandError) {
        try list(try eraseKeys(of: subject, at: position, listed: listed), at: position)
    }

    /// Step 5: the destroyed keys in the erasure list.
    private func list(_ keyIDs: [UUID128], at position: Position) throws(CommandError) {
        do { try erasureList.append(position: position, keyIDs: keyIDs) } catch { throw CommandError(error) }
    }

    /// Step 3 of a recorded receipt: its subject's keys destroyed; returns the keys to list (step 5).
    func eraseKeys(_ receipt: PersonalDataErased, at position: Position) throws(CommandError) -> [UUID128] {
        try eraseKeys(
            of: UUID128(receipt.personRef.uuid), at: position, listed: receipt.keyIds.map { UUID128($0) })
    }

    private func eraseKeys(of subject: UUID128, at position: Position, listed: [UUID128]) throws(CommandError)
        -> [UUID128]
    {
        do {
            let destroyed = try vault.erase(subject: subject, receiptPosition: position)
            return Array(Set(listed + destroyed)).sorted()
        } catch { throw CommandError(error) }
    }
}
