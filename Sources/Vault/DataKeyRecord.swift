import Crypto
import Ledger

/// A `dataKeys` value (Schemas/keys-env.md): one subject's data key (DEK), ChaCha20-Poly1305-wrapped under the
/// master key of one epoch with AAD = keyId ‖ epoch u32 BE (ledger.md §4.1, §4.5), plus whose key it is, so an erasure-list
/// entry (which holds only the key id) can still find the subject.
struct DataKeyRecord: Equatable {
    static let byteCount = 4 + 12 + wrappedBytes + 1 + 16 + 8
    static let wrappedBytes = KeyFile.keyBytes + 16

    var epoch: UInt32
    var nonce: [UInt8]
    /// Wrapped key ‖ 16-byte tag.
    var wrapped: [UInt8]
    var scope: UInt8
    var subject: UUID128
    /// Microseconds since 1970-01-01T00:00Z.
    var createdAt: Int64

    var bytes: [UInt8] {
        KeysLayout.bigEndian(epoch) + nonce + wrapped + [scope] + subject.bytes + KeysLayout.bigEndian(createdAt)
    }

    init(epoch: UInt32, nonce: [UInt8], wrapped: [UInt8], scope: UInt8, subject: UUID128, createdAt: Int64) {
        self.epoch = epoch
        self.nonce = nonce
        self.wrapped = wrapped
        self.scope = scope
        self.subject = subject
        self.createdAt = createdAt
    }

    init(bytes: UnsafeRawBufferPointer) throws(VaultError) {
        guard bytes.count == Self.byteCount else {
            throw VaultError(.corrupted, "a dataKeys value has \(bytes.count) bytes, not \(Self.byteCount)")
        }
        let all = Array(bytes)
        epoch = KeysLayout.integer(all[0..<4], as: UInt32.self) ?? 0
        nonce = Array(all[4..<16])
        wrapped = Array(all[16..<(16 + Self.wrappedBytes)])
        let rest = 16 + Self.wrappedBytes
        scope = all[rest]
        subject = try KeysLayout.uuid(all[(rest + 1)..<(rest + 17)], "dataKeys subject")
        createdAt = KeysLayout.integer(all[(rest + 17)...], as: Int64.self) ?? 0
    }

    static func associatedData(keyID: UUID128, epoch: UInt32) -> [UInt8] {
        keyID.bytes + KeysLayout.bigEndian(epoch)
    }

    /// The same data key wrapped under `master` of `epoch` instead, with a fresh nonce (a master-key rotation).
    func rewrapped(keyID: UUID128, from old: SymmetricKey, oldEpoch: UInt32, to master: SymmetricKey, epoch: UInt32)
        throws(VaultError) -> DataKeyRecord
    {
        let dataKey = try unwrap(keyID: keyID, master: old, masterEpoch: oldEpoch)
        return try Self.wrap(
            dataKey, keyID: keyID, master: master, epoch: epoch, scope: scope, subject: subject, createdAt: createdAt)
    }

    /// Wraps `dataKey` under `master` (of `epoch`) with a fresh random nonce.
    static func wrap(
        _ dataKey: SymmetricKey, keyID: UUID128, master: SymmetricKey, epoch: UInt32, scope: UInt8, subject: UUID128,
        createdAt: Int64
    ) throws(VaultError) -> DataKeyRecord {
        let plaintext = dataKey.withUnsafeBytes { Array($0) }
        let (nonce, sealed) = try AEAD.seal(
            plaintext, key: master, associatedData: associatedData(keyID: keyID, epoch: epoch))
        return DataKeyRecord(
            epoch: epoch, nonce: nonce, wrapped: sealed, scope: scope, subject: subject, createdAt: createdAt)
    }

    /// The data key, unwrapped under `master`, the key of `masterEpoch`.
    func unwrap(keyID: UUID128, master: SymmetricKey, masterEpoch: UInt32) throws(VaultError) -> SymmetricKey {
        guard epoch == masterEpoch else {
            throw VaultError(
                .corrupted,
                "data key \(keyID) is wrapped under master-key epoch \(epoch), not the current epoch \(masterEpoch)")
        }
        do {
            let plaintext = try AEAD.open(
                wrapped, nonce: nonce, algorithm: .chaChaPoly, key: master,
                associatedData: Self.associatedData(keyID: keyID, epoch: epoch))
            return SymmetricKey(data: plaintext)
        } catch {
            throw VaultError(.corrupted, "data key \(keyID) does not unwrap under the master key")
        }
    }
}
