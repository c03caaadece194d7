import LMDB

/// Checks every entry of the ledger's `meta` database: only the known keys, each present once with a
/// well-formed value. A flipped byte in a key would otherwise leave an entry nobody reads (an unknown key,
/// and a known one missing); a flipped byte in a value nobody cross-checks would pass unseen.
struct MetaEntriesCheck {
    /// What a well-formed value of each key looks like; `treeSize` and `frontier` are also compared with
    /// the rebuilt tree by the verification pass, and `streamCount` with the streams the walk saw.
    private static let validators: [[UInt8]: @Sendable ([UInt8]) -> Bool] = [
        MetaKey.formatVersion: { $0 == [0, 1] },
        MetaKey.ledgerID: { $0.count == 16 },
        MetaKey.origin: { isPrintableText($0) },
        MetaKey.treeSize: { $0.count == 8 },
        MetaKey.frontier: { (try? MerkleFrontier(serialized: $0)) != nil },
        MetaKey.streamCount: { $0.count == 8 },
        MetaKey.lmdbVersionAtCreate: { isPrintableText($0) },
        MetaKey.verifierKey: { isPrintableText($0) },
    ]
    /// `verifierKey` appears with the first signing key; every other key is written when the ledger is created.
    private static let optional: Set<[UInt8]> = [MetaKey.verifierKey]

    let databases: LedgerDatabases

    /// Records a problem for each unknown, missing or malformed entry, and for a stream count that differs
    /// from the `streamsSeen` by the walk over the whole ledger.
    func check(_ txn: Transaction, streamsSeen: UInt64, _ report: inout VerificationReport) throws {
        var seen: Set<[UInt8]> = []
        try txn.withCursor(databases.meta) { cursor in
            var entry = try cursor.first()
            while let (key, value) = entry.map({ (Array($0.key), Array($0.value)) }) {
                seen.insert(key)
                if let isWellFormed = Self.validators[key] {
                    if !isWellFormed(value) { report.record("meta", at: nil, "meta.\(name(key)) is malformed") }
                } else {
                    report.record("meta", at: nil, "meta holds an unknown entry \(name(key))")
                }
                entry = try cursor.next()
            }
        }
        for key in Self.validators.keys.sorted(by: { $0.lexicographicallyPrecedes($1) })
        where !seen.contains(key) && !Self.optional.contains(key) {
            report.record("meta", at: nil, "meta.\(name(key)) is missing")
        }
        if let bytes = try txn.value(in: databases.meta, key: MetaKey.streamCount),
            let recorded = IndexKeys.uint64(bytes), recorded != streamsSeen
        {
            report.record("meta", at: nil, "meta.streamCount says \(recorded) streams, the records hold \(streamsSeen)")
        }
    }

    private func name(_ key: [UInt8]) -> String {
        isPrintableText(key) ? String(decoding: key, as: UTF8.self) : "0x" + Hex.encode(key)
    }
}

/// Non-empty UTF-8 without control characters.
private func isPrintableText(_ bytes: [UInt8]) -> Bool {
    guard !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self) else { return false }
    return !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
}
