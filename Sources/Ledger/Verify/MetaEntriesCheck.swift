import LMDB

/// Checks every entry of the ledger's `meta` database: only the known keys, each present once with a
/// well-formed value. A flipped byte in a key would otherwise leave an entry nobody reads (an unknown key,
/// and a known one missing); a flipped byte in a value nobody cross-checks would pass unseen.
struct MetaEntriesCheck {
    /// What a well-formed value of each key looks like; `treeSize` and `frontier` are also compared with
    /// the rebuilt tree by the verification pass, and `streamCount` with the streams the walk saw.
    private static let validators: [[UInt8]: @Sendable ([UInt8]) -> Bool] = [
        MetaKey.formatVersion: { $0 == [0, 1] },
        MetaKey.ledgerID: { UUID128(bytes: $0).map(isVersion4) ?? false },
        MetaKey.origin: { isPrintableText($0) },
        MetaKey.treeSize: { $0.count == 8 },
        MetaKey.frontier: { (try? MerkleFrontier(serialized: $0)) != nil },
        MetaKey.streamCount: { $0.count == 8 },
        MetaKey.lmdbVersionAtCreate: { isLMDBVersion($0) },
        MetaKey.verifierKey: { isPrintableText($0) && recordedVerifier($0) != nil },
    ]
    /// `verifierKey` appears with the first signing key; every other key is written when the ledger is created.
    private static let optional: Set<[UInt8]> = [MetaKey.verifierKey]

    /// The keys verify trusts: given with `--signing-key`/`--verifier-key`, or else the recorded one.
    let verifiers: [NoteVerifier]
    /// The origin each stored checkpoint signs, by the size it is stored under (read once by the pass).
    let checkpointOrigins: [(size: UInt64, origin: String)]

    /// Every entry of `meta`, in key order, as one snapshot holds them.
    static func entries(_ databases: LedgerDatabases, _ txn: Transaction) throws -> [(key: [UInt8], value: [UInt8])] {
        try txn.withCursor(databases.meta) { cursor in
            var entries: [(key: [UInt8], value: [UInt8])] = []
            var entry = try cursor.first()
            while let current = entry {
                entries.append((Array(current.key), Array(current.value)))
                entry = try cursor.next()
            }
            return entries
        }
    }

    /// Records a problem for each unknown, missing or malformed entry of `entries` (`MetaEntriesCheck.entries`),
    /// for a stream count that differs from the `streamsSeen` by the walk over the whole ledger (nil when the walk
    /// did not decode the records: the bare hash-and-tree pass), and for an origin or verifier key that disagrees
    /// with the signed checkpoints or the trusted keys.
    func check(_ entries: [(key: [UInt8], value: [UInt8])], streamsSeen: UInt64?, _ report: inout VerificationReport) {
        var seen: Set<[UInt8]> = []
        for (key, value) in entries {
            seen.insert(key)
            if let isWellFormed = Self.validators[key] {
                if !isWellFormed(value) { report.record("meta", at: nil, "meta.\(name(key)) is malformed") }
            } else {
                report.record("meta", at: nil, "meta holds an unknown entry \(name(key))")
            }
        }
        let value = { (key: [UInt8]) in entries.first { $0.key == key }?.value }
        for key in Self.validators.keys.sorted(by: { $0.lexicographicallyPrecedes($1) })
        where !seen.contains(key) && !Self.optional.contains(key) {
            report.record("meta", at: nil, "meta.\(name(key)) is missing")
        }
        if let streamsSeen, let bytes = value(MetaKey.streamCount),
            let recorded = bytes.withUnsafeBytes({ IndexKeys.uint64($0) }), recorded != streamsSeen
        {
            report.record("meta", at: nil, "meta.streamCount says \(recorded) streams, the records hold \(streamsSeen)")
        }
        checkOriginAndKey(origin: value(MetaKey.origin), verifierKey: value(MetaKey.verifierKey), &report)
    }

    /// `origin` is repeated, signed, in every checkpoint and is the name of the ledger's verifier key; the
    /// recorded `verifierKey` must be one verify trusts. A flipped byte in either shows as a disagreement.
    private func checkOriginAndKey(
        origin originBytes: [UInt8]?, verifierKey: [UInt8]?, _ report: inout VerificationReport
    ) {
        guard let originBytes else { return }
        let origin = String(decoding: originBytes, as: UTF8.self)
        for (size, signed) in checkpointOrigins where signed != origin {
            report.record("meta", at: nil, "meta.origin differs from the origin the checkpoint at size \(size) signs")
        }
        // A key that does not parse is reported by its validator.
        guard let keyBytes = verifierKey, let recorded = Self.recordedVerifier(keyBytes) else { return }
        if recorded.name != origin {
            report.record(
                "meta", at: nil, "meta.verifierKey is named \(recorded.name), the ledger's origin is \(origin)")
        }
        if !verifiers.contains(recorded) {
            report.record("meta", at: nil, "meta.verifierKey is not a key verify trusts")
        }
    }

    /// The verifier key recorded in `meta`, when it parses as one (verify trusts it when given no key).
    static func recordedVerifier(_ bytes: [UInt8]) -> NoteVerifier? {
        try? NoteVerifier(verifierKey: String(decoding: bytes, as: UTF8.self))
    }

    private func name(_ key: [UInt8]) -> String {
        isPrintableText(key) ? String(decoding: key, as: UTF8.self) : "0x" + Hex.encode(key)
    }
}

/// A random (version 4, RFC 9562 variant) identifier, as `UUID128.random()` makes the ledger's id.
private func isVersion4(_ id: UUID128) -> Bool {
    id.high & 0xF000 == 0x4000 && id.low >> 62 == 0b10
}

/// `mdb_version()`'s text: "LMDB 0.9.24: (July 24, 2019)".
private func isLMDBVersion(_ bytes: [UInt8]) -> Bool {
    let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    guard let text = String(validating: bytes, as: UTF8.self), text.hasPrefix("LMDB "), text.hasSuffix(")") else {
        return false
    }
    let parts = text.dropFirst(5).dropLast().split(separator: " ", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0].hasSuffix(":"), parts[1].hasPrefix("("), parts[2].hasSuffix(",") else {
        return false
    }
    let version = parts[0].dropLast().split(separator: ".", omittingEmptySubsequences: false)
    let isNumber = { (part: Substring) in !part.isEmpty && part.allSatisfy { $0.isASCII && $0.isNumber } }
    return version.count == 3 && version.allSatisfy(isNumber) && months.contains(String(parts[1].dropFirst()))
        && isNumber(parts[2].dropLast()) && parts[3].count == 4 && isNumber(parts[3])
}

/// Non-empty UTF-8 without control characters.
private func isPrintableText(_ bytes: [UInt8]) -> Bool {
    guard !bytes.isEmpty, let text = String(validating: bytes, as: UTF8.self) else { return false }
    return !text.unicodeScalars.contains { $0.properties.generalCategory == .control }
}
