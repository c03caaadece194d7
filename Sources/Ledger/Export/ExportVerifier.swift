/// Checks a `cus ledger export` file offline, with no LMDB file (ledger.md G8; `cus audit verify-export`,
/// `cus ledger import`): every line's `record` is decoded and every other field compared with it, positions run
/// from 0 with none missing, leaves are recomputed and the root at each given checkpoint's size must equal the
/// checkpoint's root. The first bad line is named.
public struct ExportVerifier {
    public struct Summary: Sendable {
        /// Lines in the file.
        public var size: UInt64
        /// The root over all lines.
        public var root: MerkleHash
        /// The sizes at which a checkpoint's root matched, ascending.
        public var matchedSizes: [UInt64]
    }

    public let path: String
    /// Renders a record's clear payload as JSON, as the exporter did; a line's `payload` must equal it.
    public let payloadJSON: ExportLine.PayloadRenderer

    public init(path: String, payloadJSON: @escaping ExportLine.PayloadRenderer = { _ in nil }) {
        self.path = path
        self.payloadJSON = payloadJSON
    }

    /// Scans the whole file; the root at each of `checkpoints`' sizes must be that checkpoint's root, and no
    /// checkpoint may be beyond the file's last line. Signatures are the caller's business.
    public func verify(against checkpoints: [Checkpoint], progress: (UInt64) -> Void = { _ in })
        throws(ExportVerificationError) -> Summary
    {
        var pending = checkpoints.sorted { $0.size < $1.size }[...]
        var frontier = MerkleFrontier()
        var matched: [UInt64] = []
        func compare(line: Int?) throws(ExportVerificationError) {
            while let next = pending.first, next.size == frontier.size {
                guard frontier.root() == next.root else {
                    throw ExportVerificationError(
                        line: line,
                        reason: "the root at size \(frontier.size) differs from the checkpoint of that size")
                }
                matched.append(next.size)
                pending.removeFirst()
            }
        }
        try compare(line: nil)
        let reader: LineReader
        do { reader = try LineReader(path: path) } catch {
            throw ExportVerificationError(line: nil, reason: "\(error)")
        }
        var lineNumber = 0
        while true {
            let next: ArraySlice<UInt8>?
            do { next = try reader.next() } catch {
                throw ExportVerificationError(line: lineNumber + 1, reason: "\(error)")
            }
            guard let line = next else { break }
            lineNumber += 1
            let record: [UInt8]
            do {
                record = try ExportLineParser.record(
                    from: line, expectedPosition: UInt64(lineNumber - 1), payloadJSON: payloadJSON)
            } catch {
                throw ExportVerificationError(line: lineNumber, reason: "\(error)")
            }
            frontier.append(RFC6962.leafHash(of: record))
            try compare(line: lineNumber)
            if frontier.size % 10_000 == 0 { progress(frontier.size) }
        }
        if let beyond = pending.first {
            throw ExportVerificationError(
                line: nil, reason: "a checkpoint is at size \(beyond.size) but the file has \(frontier.size) lines")
        }
        return Summary(size: frontier.size, root: frontier.root(), matchedSizes: matched)
    }
}

/// Why an export file failed verification: the 1-based line, when one line is to blame, and the reason.
public struct ExportVerificationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int?
    public let reason: String

    public init(line: Int?, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { line.map { "line \($0): \(reason)" } ?? reason }
}
