import Crypto
import LMDB
import Ledger

/// Start-up of the keys env: loads (or, for a brand-new env, creates) the master and lookup key files and
/// checks them against the check values in `meta` (the master key's under the env's current master-key epoch),
/// writing those on first use.
struct VaultOpening {
    static let masterCheckPlaintext = Array("CUSLedger keys env master key check v1".utf8)
    static let masterCheckAssociatedData = Array("CUSL-keys-check".utf8)
    static let lookupCheckMessage = Array("CUSLedger keys env lookup key check v1".utf8)

    let store: KeysStore
    let options: VaultOptions

    private struct Meta {
        var formatVersion: UInt16?
        var masterEpoch: UInt32?
        var masterCheck: [UInt8]?
        var lookupCheck: [UInt8]?
        var holdsKeys: Bool
        var holdsLookups: Bool
    }

    struct Keys {
        var master: SymmetricKey
        var masterEpoch: UInt32
        var lookup: SymmetricKey
    }

    func loadKeys() throws(VaultError) -> Keys {
        let meta = try readMeta()
        if let version = meta.formatVersion, version != KeysLayout.formatVersion {
            throw VaultError(.corrupted, "the keys env has format version \(version); this build reads version 1")
        }
        let epoch = meta.masterEpoch ?? KeysLayout.firstMasterKeyEpoch
        let masterFile = KeyFile.master(path: options.resolvedMasterKeyPath)
        let lookupFile = KeyFile.lookup(path: options.resolvedLookupKeyPath)
        var master = try masterFile.loadOrCreate(
            mayCreate: !options.readOnly && meta.masterCheck == nil && !meta.holdsKeys)
        let lookup = try lookupFile.loadOrCreate(
            mayCreate: !options.readOnly && meta.lookupCheck == nil && !meta.holdsLookups)
        if let check = meta.masterCheck {
            if !Self.opens(check, master: master, epoch: epoch) {
                master = try finishedRotation(check: check, epoch: epoch, masterFile: masterFile)
            }
        } else if meta.holdsKeys {
            throw VaultError(.corrupted, "the keys env holds data keys but no master key check value")
        }
        let lookupCheck = Self.lookupCheck(lookup)
        if let check = meta.lookupCheck, check != lookupCheck {
            throw VaultError(
                .lookupKeyWrong,
                "the lookup key file \(lookupFile.path) does not match this keys env; restore the right file")
        }
        if !options.readOnly && (meta.formatVersion == nil || meta.masterCheck == nil || meta.lookupCheck == nil) {
            let masterCheck = try Self.masterCheck(master, epoch: epoch)
            try store.write("cannot write the keys env's check values") { txn in
                try txn.put(
                    KeysLayout.bigEndian(KeysLayout.formatVersion), key: KeysLayout.MetaKey.formatVersion,
                    in: store.meta)
                try txn.put(KeysLayout.bigEndian(epoch), key: KeysLayout.MetaKey.masterKeyEpoch, in: store.meta)
                if meta.masterCheck == nil {
                    try txn.put(masterCheck, key: KeysLayout.MetaKey.masterKeyCheck, in: store.meta)
                }
                if meta.lookupCheck == nil {
                    try txn.put(lookupCheck, key: KeysLayout.MetaKey.lookupKeyCheck, in: store.meta)
                }
            }
        }
        return Keys(master: master, masterEpoch: epoch, lookup: lookup)
    }

    /// The master key file does not open the env. A rotation that committed its re-wrapped keys but stopped
    /// before renaming the new key file into place left that file at `MasterKeyFiles.pendingPath`: when it opens
    /// the env, finish the rename (a writer) or just use it (read-only); otherwise the file is wrong.
    private func finishedRotation(check: [UInt8], epoch: UInt32, masterFile: KeyFile) throws(VaultError)
        -> SymmetricKey
    {
        let files = MasterKeyFiles(masterPath: masterFile.path)
        let pending = KeyFile.master(path: files.pendingPath)
        if let key = try? pending.load(), Self.opens(check, master: key, epoch: epoch) {
            if !options.readOnly { try files.promotePending() }
            return key
        }
        throw VaultError(
            .masterKeyWrong,
            "the master key file \(masterFile.path) does not open this keys env (master-key epoch \(epoch)); "
                + "restore the right file or pass --master-key-file")
    }

    private func readMeta() throws(VaultError) -> Meta {
        try store.read("cannot read the keys env's meta") { txn in
            let version = try txn.value(in: store.meta, key: KeysLayout.MetaKey.formatVersion)
            let epoch = try txn.value(in: store.meta, key: KeysLayout.MetaKey.masterKeyEpoch)
            return Meta(
                formatVersion: try version.map { bytes throws(VaultError) in
                    guard let value = KeysLayout.integer(bytes, as: UInt16.self) else {
                        throw VaultError(.corrupted, "meta formatVersion must be 2 bytes")
                    }
                    return value
                },
                masterEpoch: try epoch.map { bytes throws(VaultError) in
                    guard let value = KeysLayout.integer(bytes, as: UInt32.self), value > 0 else {
                        throw VaultError(.corrupted, "meta masterKeyEpoch must be a u32 above 0")
                    }
                    return value
                },
                masterCheck: try txn.value(in: store.meta, key: KeysLayout.MetaKey.masterKeyCheck).map(Array.init),
                lookupCheck: try txn.value(in: store.meta, key: KeysLayout.MetaKey.lookupKeyCheck).map(Array.init),
                holdsKeys: try txn.statistics(of: store.dataKeys).entries > 0
                    || txn.statistics(of: store.erased).entries > 0,
                holdsLookups: try txn.statistics(of: store.lookup).entries > 0)
        }
    }

    /// Whether `master` opens the check value of `epoch`.
    static func opens(_ check: [UInt8], master: SymmetricKey, epoch: UInt32) -> Bool {
        guard check.count > AEAD.nonceBytes else { return false }
        let opened = try? AEAD.open(
            Array(check[AEAD.nonceBytes...]), nonce: Array(check[..<AEAD.nonceBytes]), algorithm: .chaChaPoly,
            key: master, associatedData: masterCheckAssociatedData + KeysLayout.bigEndian(epoch))
        return opened == masterCheckPlaintext
    }

    /// nonce ‖ ChaCha20-Poly1305(master, constant, AAD = "CUSL-keys-check" ‖ epoch u32).
    static func masterCheck(_ master: SymmetricKey, epoch: UInt32) throws(VaultError) -> [UInt8] {
        let (nonce, sealed) = try AEAD.seal(
            masterCheckPlaintext, key: master, associatedData: masterCheckAssociatedData + KeysLayout.bigEndian(epoch))
        return nonce + sealed
    }

    /// HMAC-SHA256(K_lookup, constant).
    static func lookupCheck(_ lookup: SymmetricKey) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: lookupCheckMessage, using: lookup))
    }
}
