import LMDB
import Synchronization
public import Ledger

/// Erasure by key destruction (ledger.md §4.3 steps 3–4); `Vault+Compaction.swift` removes the destroyed keys'
/// residue from the file (§4.5).
extension Vault {
    /// The subject's data key ids, one per scope that has a key.
    public func keyIDs(of subject: UUID128) throws(VaultError) -> [UUID128] {
        try store.read("cannot read the keys of a subject") { txn in
            try store.keys(in: store.personKeys, prefix: subject.bytes, limit: KeysLayout.scopesMax, txn).map { key in
                guard let keyID = try txn.value(in: store.personKeys, key: key) else {
                    throw VaultError(.corrupted, "a personKeys entry vanished inside one transaction")
                }
                return try KeysLayout.uuid(keyID, "a personKeys value")
            }
        }
    }

    /// From now until `release`, `open` refuses these keys (`subjectErased`): an erasure withholds them before
    /// it appends its receipt (ledger.md §4.3), so no read that starts after the erasure began decrypts with
    /// keys the receipt is about to destroy. In memory only: after a restart the receipt, if recorded, has
    /// destroyed them. Counted: two erasures of one person at once (the retention duty and a request) each hold
    /// the keys, and the one refused releases only its own hold.
    public func withhold(_ keyIDs: [UUID128]) {
        withheld.withLock { holds in
            for keyID in keyIDs { holds[keyID, default: 0] += 1 }
        }
    }

    /// Ends one `withhold` of these keys (the erasure was refused, or its keys are destroyed).
    public func release(_ keyIDs: [UUID128]) {
        withheld.withLock { holds in
            for keyID in keyIDs {
                guard let count = holds[keyID] else { continue }
                holds[keyID] = count > 1 ? count - 1 : nil
            }
        }
    }

    /// One keys-env transaction deletes the subject's `dataKeys`, `personKeys` and `lookup` entries and
    /// records `erased[keyId]` = the receipt position; then the decrypted keys leave the cache. Idempotent:
    /// re-applying (start-up replays every receipt) changes nothing and returns the same key ids.
    @discardableResult
    public func erase(subject: UUID128, receiptPosition: Position) throws(VaultError) -> [UUID128] {
        guard !options.readOnly else {
            throw VaultError(.invalidArgument, "the keys env is open read-only; nothing can be erased")
        }
        let keyIDs: [UUID128] = try store.write("cannot erase a subject's keys") { txn in
            if let done = try txn.value(in: store.erasedSubjects, key: subject.bytes) {
                return try KeysLayout.erasedSubject(done).1
            }
            let personKeys = try store.keys(
                in: store.personKeys, prefix: subject.bytes, limit: KeysLayout.scopesMax, txn)
            var keyIDs: [UUID128] = []
            for personKey in personKeys {
                guard let value = try txn.value(in: store.personKeys, key: personKey) else { continue }
                let keyID = try KeysLayout.uuid(value, "a personKeys value")
                keyIDs.append(keyID)
                try destroy(keyID, receiptPosition: receiptPosition, txn)
                try txn.delete(key: personKey, in: store.personKeys)
            }
            let lookups = try store.keys(
                in: store.subjectLookups, prefix: subject.bytes, limit: KeysLayout.nationalIDsPerSubjectMax, txn)
            for entry in lookups {
                let hmac = Array(entry.dropFirst(16))
                if let holder = try txn.value(in: store.lookup, key: hmac), Array(holder) == subject.bytes {
                    try overwriteAndDelete(hmac, in: store.lookup, txn)
                }
                try txn.delete(key: entry, in: store.subjectLookups)
            }
            try txn.put(
                KeysLayout.erasedSubjectValue(position: receiptPosition, keyIDs: keyIDs), key: subject.bytes,
                in: store.erasedSubjects)
            return keyIDs
        }
        cache.evict(keyIDs)
        // Destroyed: `open` now finds them erased, whoever still holds them withheld (a request whose own
        // destruction failed, repaired here by a later one).
        withheld.withLock { holds in
            for keyID in keyIDs { holds[keyID] = nil }
        }
        return keyIDs
    }

    /// Replays one erasure-list entry (ledger.md §4.5 step 3): erases the subject that owns `keyID`, as
    /// `erase(subject:receiptPosition:)` does; a key this env does not hold just gets its `erased` tombstone.
    /// Returns the subject when the key was still held.
    @discardableResult
    public func erase(keyID: UUID128, receiptPosition: Position) throws(VaultError) -> UUID128? {
        guard !options.readOnly else {
            throw VaultError(.invalidArgument, "the keys env is open read-only; nothing can be erased")
        }
        let owner: UUID128? = try store.read("cannot read a data key") { txn in
            try txn.value(in: store.dataKeys, key: keyID.bytes).map { bytes throws(VaultError) in
                try DataKeyRecord(bytes: bytes).subject
            }
        }
        if let owner {
            try erase(subject: owner, receiptPosition: receiptPosition)
            return owner
        }
        try store.write("cannot record an erased key") { txn in
            try destroy(keyID, receiptPosition: receiptPosition, txn)
        }
        cache.evict([keyID])
        return nil
    }

    /// Replays every entry of the erasure list; returns how many named a key this env still held.
    @discardableResult
    public func apply(_ list: ErasureList) throws(VaultError) -> Int {
        var erased = 0
        for entry in try list.entries() where try erase(keyID: entry.keyID, receiptPosition: entry.position) != nil {
            erased += 1
        }
        return erased
    }

    /// The position of the receipt that destroyed `keyID`, or `nil` while it is not destroyed.
    public func erasedAt(keyID: UUID128) throws(VaultError) -> Position? {
        try store.read("cannot read the erased keys") { txn in
            try txn.value(in: store.erased, key: keyID.bytes).map { bytes throws(VaultError) in
                try KeysLayout.position(bytes, "an erased value")
            }
        }
    }

    /// Deletes the wrapped key (zeroed first) and records its tombstone; keeps an earlier tombstone.
    private func destroy(_ keyID: UUID128, receiptPosition: Position, _ txn: Transaction) throws {
        try overwriteAndDelete(keyID.bytes, in: store.dataKeys, txn)
        if try txn.value(in: store.erased, key: keyID.bytes) == nil {
            try txn.put(KeysLayout.bigEndian(receiptPosition.rawValue), key: keyID.bytes, in: store.erased)
        }
    }

    /// Overwrites the value with zeros in place (same length, so LMDB rewrites the node's bytes) before the
    /// delete, so the page's free gap keeps zeros rather than the secret. Free pages still hold older copies
    /// until a compacting copy leaves them behind.
    private func overwriteAndDelete(_ key: [UInt8], in database: Database, _ txn: Transaction) throws {
        guard let value = try txn.value(in: database, key: key) else { return }
        try txn.put([UInt8](repeating: 0, count: value.count), key: key, in: database)
        try txn.delete(key: key, in: database)
    }
}
