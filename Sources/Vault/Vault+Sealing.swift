import Crypto
import LMDB
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
    /// ledger.md §3.1.
    public func seal(_ plaintext: [UInt8], for subject: UUID128, scope: UInt8 = 0, binding: SealBinding)
        throws(VaultError) -> SealedPart
    {
        guard plaintext.count <= Self.sealedPlaintextBytesMax else {
            throw VaultError(
                .invalidArgument,
                "personal fields of \(plaintext.count) bytes exceed \(Self.sealedPlaintextBytesMax) bytes")
        }
        let (keyID, key): (UUID128, SymmetricKey)
        switch try keyLookup(subject, scope: scope) {
        case .present(let existing):
            guard let loaded = try dataKey(existing) else {
                throw VaultError(.corrupted, "personKeys names data key \(existing), which dataKeys lacks")
            }
            (keyID, key) = (existing, loaded)
        case .erased: throw Self.erasedError()
        case .absent: (keyID, key) = try createDataKey(for: subject, scope: scope)
        }
        let algorithm = AEADAlgorithm.chaChaPoly
        let aad = Self.associatedData(binding: binding, keyID: keyID, algorithm: algorithm)
        let (nonce, sealed) = try AEAD.seal(plaintext, key: key, associatedData: aad)
        return SealedPart(keyID: keyID, algorithm: algorithm, nonce: nonce, ciphertextAndTag: sealed)
    }

    /// Opens a sealed part. A destroyed key gives `.redacted` with the receipt position; a present key that
    /// does not authenticate the part under `binding`, or a key this env never held, is `corrupted`.
    public func open(_ sealed: SealedPart, binding: SealBinding) throws(VaultError) -> OpenedPersonalData {
        guard sealed.nonce.count == AEAD.nonceBytes, sealed.ciphertextAndTag.count >= AEAD.tagBytes else {
            throw VaultError(.corrupted, "a sealed part needs a 12-byte nonce and a 16-byte tag")
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

    private func createDataKey(for subject: UUID128, scope: UInt8) throws(VaultError) -> (
        keyID: UUID128, key: SymmetricKey
    ) {
        guard !options.readOnly else {
            throw VaultError(.invalidArgument, "the keys env is open read-only; no data key can be created")
        }
        let key = SymmetricKey(size: .bits256)
        let fresh = UUID128.random()
        let record = try DataKeyRecord.wrap(
            key, keyID: fresh, master: masterKey, epoch: masterKeyEpoch, scope: scope, subject: subject,
            createdAt: options.clock.now().rawValue)
        let existing: UUID128? = try store.write("cannot store a new data key") { txn in
            switch try Self.keyLookup(subject, scope: scope, in: store, txn) {
            case .present(let keyID): return keyID
            case .erased: throw Self.erasedError()
            case .absent: break
            }
            try txn.put(record.bytes, key: fresh.bytes, in: store.dataKeys, flags: .noOverwrite)
            try txn.put(
                fresh.bytes, key: KeysLayout.personKey(subject, scope: scope), in: store.personKeys, flags: .noOverwrite
            )
            return nil
        }
        if let existing {
            guard let loaded = try dataKey(existing) else {
                throw VaultError(.corrupted, "personKeys names data key \(existing), which dataKeys lacks")
            }
            return (existing, loaded)
        }
        cache.insert(key, for: fresh)
        return (fresh, key)
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
