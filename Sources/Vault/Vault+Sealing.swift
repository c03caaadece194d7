import Crypto
import LMDB
import Synchronization
public import Ledger

extension Vault {
    /// What a subject's `personKeys` entry says.
    private enum KeyLookup {
        case present(UUID128)
        case absent
        case erased
    }

    /// The subject's key id for `scope` (0 = default), creating, wrapping and committing a new data key first
    /// when absent (ledger.md §4.1: a new key is committed before any event sealed under it is appended).
    /// Throws `subjectErased` once the subject was erased.
    public func dataKeyID(for subject: UUID128, scope: UInt8 = 0) throws(VaultError) -> UUID128 {
        switch try keyLookup(subject, scope: scope) {
        case .present(let keyID): return keyID
        case .erased: throw Self.erasedError()
        case .absent: return try createDataKey(for: subject, scope: scope).keyID
        }
    }

    /// Seals `plaintext` under the subject's key with ChaCha20-Poly1305, a random 96-bit nonce and the AAD of
    /// ledger.md §3.1. A subject's first key is committed in a write transaction of its own.
    public func seal(_ plaintext: [UInt8], for subject: UUID128, scope: UInt8 = 0, binding: SealBinding)
        throws(VaultError) -> SealedPart
    {
        try checkSealable(plaintext)
        let (keyID, key): (UUID128, SymmetricKey)
        if let existing = try existingDataKey(for: subject, scope: scope) {
            (keyID, key) = existing
        } else {
            (keyID, key) = try createDataKey(for: subject, scope: scope)
        }
        return try Self.seal(plaintext, keyID: keyID, key: key, binding: binding)
    }

    /// `seal` for concurrent commands: a subject's first key is committed through the keys env's group commit
    /// (`KeysGroupCommit`), one flush for every new key of the moment, off the cooperative threads.
    public func sealGroupCommittingNewKey(
        _ plaintext: [UInt8], for subject: UUID128, scope: UInt8 = 0, binding: SealBinding
    ) async throws(VaultError) -> SealedPart {
        try checkSealable(plaintext)
        if let (keyID, key) = try existingDataKey(for: subject, scope: scope) {
            return try Self.seal(plaintext, keyID: keyID, key: key, binding: binding)
        }
        let fresh = try wrapFreshDataKey(for: subject, scope: scope)
        let store = store
        let existing = try await groupCommit.write { txn in
            try Self.insertDataKey(fresh, subject: subject, scope: scope, store, txn)
        }
        let (keyID, key) = try adopt(fresh, orExisting: existing)
        return try Self.seal(plaintext, keyID: keyID, key: key, binding: binding)
    }

    private func checkSealable(_ plaintext: [UInt8]) throws(VaultError) {
        guard plaintext.count <= Self.sealedPlaintextBytesMax else {
            throw VaultError(
                .invalidArgument,
                "personal fields of \(plaintext.count) bytes exceed \(Self.sealedPlaintextBytesMax) bytes")
        }
    }

    private static func seal(_ plaintext: [UInt8], keyID: UUID128, key: SymmetricKey, binding: SealBinding)
        throws(VaultError) -> SealedPart
    {
        let algorithm = AEADAlgorithm.chaChaPoly
        let aad = associatedData(binding: binding, keyID: keyID, algorithm: algorithm)
        let (nonce, sealed) = try AEAD.seal(plaintext, key: key, associatedData: aad)
        return SealedPart(keyID: keyID, algorithm: algorithm, nonce: nonce, ciphertextAndTag: sealed)
    }

    /// Opens a sealed part. A destroyed key gives `.redacted` with the receipt position; a withheld one (its
    /// erasure is being recorded) throws `subjectErased`; a present key that does not authenticate the part
    /// under `binding`, or a key this env never held, is `corrupted`.
    public func open(_ sealed: SealedPart, binding: SealBinding) throws(VaultError) -> OpenedPersonalData {
        guard sealed.nonce.count == AEAD.nonceBytes, sealed.ciphertextAndTag.count >= AEAD.tagBytes else {
            throw VaultError(.corrupted, "a sealed part needs a 12-byte nonce and a 16-byte tag")
        }
        guard withheld.withLock({ $0[sealed.keyID] == nil }) else {
            throw VaultError(.subjectErased, "the subject's personal data is being erased")
        }
        guard let key = try dataKey(sealed.keyID) else {
            if let position = try erasedAt(keyID: sealed.keyID) {
                return .redacted(keyID: sealed.keyID, erasedAt: position)
            }
            throw VaultError(
                .corrupted,
                "event \(binding.eventID) is sealed under data key \(sealed.keyID), which this keys env never "
                    + "held; is the keys env from another installation or an old backup?")
        }
        return .plaintext(try Self.open(sealed, binding: binding, dataKey: key))
    }

    /// Opens a sealed part with the given 32 data-key bytes: for the published vectors.
    package static func open(_ sealed: SealedPart, binding: SealBinding, dataKeyBytes: [UInt8]) throws(VaultError)
        -> [UInt8]
    {
        try open(sealed, binding: binding, dataKey: SymmetricKey(data: dataKeyBytes))
    }

    static func open(_ sealed: SealedPart, binding: SealBinding, dataKey: SymmetricKey) throws(VaultError)
        -> [UInt8]
    {
        let aad = associatedData(binding: binding, keyID: sealed.keyID, algorithm: sealed.algorithm)
        do {
            return try AEAD.open(
                sealed.ciphertextAndTag, nonce: sealed.nonce, algorithm: sealed.algorithm, key: dataKey,
                associatedData: aad)
        } catch {
            throw VaultError(
                .corrupted, "the sealed part of event \(binding.eventID) does not authenticate under its key")
        }
    }

    /// `"CUSL1" ‖ eventId[16] ‖ streamUUID[16] ‖ c u8 ‖ category ‖ t u8 ‖ eventType ‖ schemaVersion u16 ‖
    /// keyId[16] ‖ aead u8` (ledger.md §3.1, Schemas/ledger-record.md §1.3).
    public static func associatedData(binding: SealBinding, keyID: UUID128, algorithm: AEADAlgorithm) -> [UInt8] {
        let category = Array(binding.stream.category.name.utf8)
        let type = Array(binding.eventType.name.utf8)
        var aad = Array("CUSL1".utf8)
        aad.reserveCapacity(58 + category.count + type.count)
        aad += binding.eventID.rawValue.bytes
        aad += binding.stream.id.bytes
        aad.append(UInt8(truncatingIfNeeded: category.count))
        aad += category
        aad.append(UInt8(truncatingIfNeeded: type.count))
        aad += type
        aad += KeysLayout.bigEndian(binding.schemaVersion)
        aad += keyID.bytes
        aad.append(algorithm.rawValue)
        return aad
    }

    // MARK: keys

    private func keyLookup(_ subject: UUID128, scope: UInt8) throws(VaultError) -> KeyLookup {
        try store.read("cannot read the data key of a subject") { txn in
            try Self.keyLookup(subject, scope: scope, in: store, txn)
        }
    }

    private static func keyLookup(_ subject: UUID128, scope: UInt8, in store: SwappableKeysStore, _ txn: Transaction)
        throws
        -> KeyLookup
    {
        if let keyID = try txn.value(in: store.personKeys, key: KeysLayout.personKey(subject, scope: scope)) {
            return .present(try KeysLayout.uuid(keyID, "a personKeys value"))
        }
        if try txn.value(in: store.erasedSubjects, key: subject.bytes) != nil { return .erased }
        return .absent
    }

    /// A data key ready to seal with: its id and the unwrapped key.
    typealias DataKey = (keyID: UUID128, key: SymmetricKey)

    /// The subject's present key, nil when it has none yet; throws `subjectErased` once it was erased.
    private func existingDataKey(for subject: UUID128, scope: UInt8) throws(VaultError) -> DataKey? {
        switch try keyLookup(subject, scope: scope) {
        case .present(let keyID): return (keyID, try presentDataKey(keyID))
        case .erased: throw Self.erasedError()
        case .absent: return nil
        }
    }

    private func presentDataKey(_ keyID: UUID128) throws(VaultError) -> SymmetricKey {
        guard let loaded = try dataKey(keyID) else {
            throw VaultError(.corrupted, "personKeys names data key \(keyID), which dataKeys lacks")
        }
        return loaded
    }

    /// A new random data key, wrapped under the master key, not stored yet.
    private struct FreshDataKey: Sendable {
        let keyID: UUID128
        let key: SymmetricKey
        let record: DataKeyRecord
    }

    private func wrapFreshDataKey(for subject: UUID128, scope: UInt8) throws(VaultError) -> FreshDataKey {
        guard !options.readOnly else {
            throw VaultError(.invalidArgument, "the keys env is open read-only; no data key can be created")
        }
        let key = SymmetricKey(data: SecureRandom.bytes(32))
        let createdAt = options.clock.now().rawValue
        // Time-ordered (ADR 0019): each new key lands at the right edge of `dataKeys`, not on a random page.
        let keyID = UUID128.version7(unixMilliseconds: UInt64(max(0, createdAt / 1_000)))
        let record = try DataKeyRecord.wrap(
            key, keyID: keyID, master: masterKey, epoch: masterKeyEpoch, scope: scope, subject: subject,
            createdAt: createdAt)
        return FreshDataKey(keyID: keyID, key: key, record: record)
    }

    private func createDataKey(for subject: UUID128, scope: UInt8) throws(VaultError) -> DataKey {
        let fresh = try wrapFreshDataKey(for: subject, scope: scope)
        let existing: UUID128? = try store.write("cannot store a new data key") { txn in
            try Self.insertDataKey(fresh, subject: subject, scope: scope, store, txn)
        }
        return try adopt(fresh, orExisting: existing)
    }

    /// Stores a new wrapped key and its `personKeys` entry, unless the subject got a key meanwhile (returned)
    /// or was erased (thrown before any put, as `KeysGroupCommit` requires).
    private static func insertDataKey(
        _ fresh: FreshDataKey, subject: UUID128, scope: UInt8, _ store: SwappableKeysStore, _ txn: Transaction
    ) throws -> UUID128? {
        switch try keyLookup(subject, scope: scope, in: store, txn) {
        case .present(let existing): return existing
        case .erased: throw erasedError()
        case .absent: break
        }
        try txn.put(fresh.record.bytes, key: fresh.keyID.bytes, in: store.dataKeys, flags: .noOverwrite)
        try txn.put(
            fresh.keyID.bytes, key: KeysLayout.personKey(subject, scope: scope), in: store.personKeys,
            flags: .noOverwrite)
        return nil
    }

    /// The committed key: the fresh one, or the one another command stored first.
    private func adopt(_ fresh: FreshDataKey, orExisting existing: UUID128?) throws(VaultError) -> DataKey {
        if let existing { return (existing, try presentDataKey(existing)) }
        cache.insert(fresh.key, for: fresh.keyID)
        return (fresh.keyID, fresh.key)
    }

    /// The unwrapped data key, or `nil` when `dataKeys` has no entry for it.
    func dataKey(_ keyID: UUID128) throws(VaultError) -> SymmetricKey? {
        if let cached = cache.key(keyID) { return cached }
        let record: DataKeyRecord? = try store.read("cannot read a data key") { txn in
            try txn.value(in: store.dataKeys, key: keyID.bytes).map { bytes throws(VaultError) in
                try DataKeyRecord(bytes: bytes)
            }
        }
        guard let record else { return nil }
        let key = try record.unwrap(keyID: keyID, master: masterKey, masterEpoch: masterKeyEpoch)
        cache.insert(key, for: keyID)
        return key
    }

    static func erasedError() -> VaultError {
        VaultError(.subjectErased, "the subject's personal data was erased; no new data key is made for it")
    }
}
