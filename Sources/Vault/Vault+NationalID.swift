import Crypto
import LMDB
public import Ledger

/// The keyed blind index (ledger.md §4.1–4.2): `HMAC-SHA256(K_lookup, national ID)` → subject, so a PESEL finds
/// its person without storing the PESEL, or an unkeyed hash of it, anywhere.
extension Vault {
    /// The subject registered with this national ID (PESEL), if any.
    public func subject(forNationalID nationalID: String) throws(VaultError) -> UUID128? {
        let hmac = try blindIndex(nationalID)
        return try store.read("cannot read the lookup index") { txn in
            try txn.value(in: store.lookup, key: hmac).map { bytes throws(VaultError) in
                try KeysLayout.uuid(bytes, "a lookup value")
            }
        }
    }

    /// Registers `nationalID` for `subject`; a no-op when the subject already has it. Throws
    /// `duplicateNationalID` when another subject has it and `subjectErased` for an erased subject.
    public func recordNationalID(_ nationalID: String, for subject: UUID128) throws(VaultError) {
        let hmac = try writableBlindIndex(nationalID)
        try store.write("cannot record a national ID") { txn in try Self.insertNationalID(hmac, subject, store, txn) }
    }

    /// `recordNationalID` for concurrent commands: committed through the keys env's group commit. Returns whether
    /// this call made the entry (false when the subject held it already).
    @discardableResult
    public func recordNationalIDGroupCommitted(_ nationalID: String, for subject: UUID128) async throws(VaultError)
        -> Bool
    {
        let hmac = try writableBlindIndex(nationalID)
        let store = store
        return try await groupCommit.write { txn in try Self.insertNationalID(hmac, subject, store, txn) }
    }

    /// Withdraws `nationalID` from `subject`, when the subject holds it: the reservation of a registration that
    /// was refused, so the ID's real owner can still register and a look-up finds no one.
    public func releaseNationalID(_ nationalID: String, from subject: UUID128) async throws(VaultError) {
        let hmac = try writableBlindIndex(nationalID)
        let store = store
        try await groupCommit.write { txn in
            guard let holder = try txn.value(in: store.lookup, key: hmac),
                try KeysLayout.uuid(holder, "a lookup value") == subject
            else { return }
            try txn.delete(key: hmac, in: store.lookup)
            try txn.delete(key: KeysLayout.subjectLookup(subject, hmac: hmac), in: store.subjectLookups)
        }
    }

    private func writableBlindIndex(_ nationalID: String) throws(VaultError) -> [UInt8] {
        guard !options.readOnly else {
            throw VaultError(.invalidArgument, "the keys env is open read-only; no national ID can be recorded")
        }
        return try blindIndex(nationalID)
    }

    /// Puts the lookup entries; every refusal throws before the first put (`KeysGroupCommit` requires it). Returns
    /// whether it put them (false: the subject holds the ID already).
    @discardableResult
    private static func insertNationalID(
        _ hmac: [UInt8], _ subject: UUID128, _ store: SwappableKeysStore, _ txn: Transaction
    ) throws -> Bool {
        if try txn.value(in: store.erasedSubjects, key: subject.bytes) != nil { throw erasedError() }
        if let holder = try txn.value(in: store.lookup, key: hmac) {
            if try KeysLayout.uuid(holder, "a lookup value") == subject { return false }
            throw VaultError(.duplicateNationalID, "another subject is already registered with this national ID")
        }
        let held = try store.keys(
            in: store.subjectLookups, prefix: subject.bytes, limit: KeysLayout.nationalIDsPerSubjectMax, txn)
        guard held.count < KeysLayout.nationalIDsPerSubjectMax else {
            throw VaultError(
                .invalidArgument, "a subject may hold at most \(KeysLayout.nationalIDsPerSubjectMax) national IDs")
        }
        try txn.put(subject.bytes, key: hmac, in: store.lookup, flags: .noOverwrite)
        try txn.put([], key: KeysLayout.subjectLookup(subject, hmac: hmac), in: store.subjectLookups)
        return true
    }

    /// HMAC-SHA256 under the lookup key of the ID's bytes; the ID must be 1…32 ASCII letters or digits.
    func blindIndex(_ nationalID: String) throws(VaultError) -> [UInt8] {
        let bytes = Array(nationalID.utf8)
        let isAlphanumeric = bytes.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
        guard (1...Self.nationalIDBytesMax).contains(bytes.count), isAlphanumeric else {
            throw VaultError(
                .invalidArgument, "a national ID must be 1…\(Self.nationalIDBytesMax) ASCII letters or digits")
        }
        return Array(HMAC<SHA256>.authenticationCode(for: bytes, using: lookupKey))
    }
}
