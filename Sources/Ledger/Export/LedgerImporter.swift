import Foundation

/// Reads a `cus ledger export` file back into an empty ledger (`cus ledger import`). The whole file is
/// validated first — every line's record decoded and compared with the line's other fields, leaf hashes
/// recomputed, positions contiguous from 0, the checkpoint beside it (if any) matching the rebuilt root — and
/// nothing is written if any line is bad; the first bad line is named. Then the records are appended byte for
/// byte, so positions, records and the Merkle root are identical to the source.
public struct LedgerImporter {
    public struct Summary: Sendable {
        public var size: UInt64
        public var root: MerkleHash
        public var checkpoint: SignedCheckpoint?
    }

    public let path: String
    /// Verifier keys for the checkpoint beside the file; when empty, only its root is checked.
    public let verifiers: [NoteVerifier]
    /// Renders a record's clear payload as JSON, as the exporter did; a line's `payload` must equal it.
    public let payloadJSON: ExportLine.PayloadRenderer

    public init(
        path: String, verifiers: [NoteVerifier] = [], payloadJSON: @escaping ExportLine.PayloadRenderer = { _ in nil }
    ) {
        self.path = path
        self.verifiers = verifiers
        self.payloadJSON = payloadJSON
    }

    /// Validates the whole file and returns what importing it would give.
    public func validate() throws(LedgerError) -> Summary {
        let checkpoint = try sidecarCheckpoint()
        do throws(ExportVerificationError) {
            let summary = try ExportVerifier(path: path, payloadJSON: payloadJSON).verify(
                against: checkpoint.map { [$0.checkpoint] } ?? [])
            return Summary(size: summary.size, root: summary.root, checkpoint: checkpoint)
        } catch {
            let reason = error.line == nil ? "\(path): \(error.reason)" : "\(path) \(error)"
            throw LedgerError(.invalidArgument, reason + "; nothing was imported")
        }
    }

    /// Validates, then appends every record to `ledger`, which must be empty.
    public func run(into ledger: Ledger, progress: (UInt64, UInt64) -> Void = { _, _ in }) async throws(LedgerError)
        -> Summary
    {
        guard try ledger.treeSize() == 0 else {
            throw LedgerError(.invalidArgument, "import needs an empty data directory; this ledger has events")
        }
        let summary = try validate()
        let reader = try LineReader(path: path)
        var imported: UInt64 = 0
        while imported < summary.size {
            var batch: [[UInt8]] = []
            while batch.count < 5_000, let line = try reader.next() {
                do {
                    batch.append(
                        try ExportLineParser.record(
                            from: line, expectedPosition: imported + UInt64(batch.count), payloadJSON: payloadJSON))
                } catch {
                    throw LedgerError(.invalidArgument, "\(path) changed while importing: \(error)")
                }
            }
            guard !batch.isEmpty else { break }
            try await ledger.importRecords(batch)
            imported += UInt64(batch.count)
            progress(imported, summary.size)
        }
        guard try ledger.merkleRoot() == summary.root else {
            throw LedgerError(.corrupted, "the imported ledger's root differs from the file's; report this bug")
        }
        return summary
    }

    private func sidecarCheckpoint() throws(LedgerError) -> SignedCheckpoint? {
        let sidecar = path + ".checkpoint"
        guard FileManager.default.fileExists(atPath: sidecar) else { return nil }
        do {
            let checkpoint = try SignedCheckpoint(text: try String(contentsOfFile: sidecar, encoding: .utf8))
            for verifier in verifiers { try checkpoint.verify(with: verifier) }
            return checkpoint
        } catch {
            throw LedgerError(.invalidArgument, "\(sidecar): \(error)")
        }
    }
}
