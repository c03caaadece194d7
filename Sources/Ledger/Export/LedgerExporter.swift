#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes the ledger as JSON Lines in position order, with the newest signed checkpoint at or below the
/// exported size beside it as `<file>.checkpoint` (ledger.md §3.4). The sealed part is never decrypted.
public struct LedgerExporter: Sendable {
    public let ledger: Ledger
    public let payloadJSON: ExportLine.PayloadRenderer

    public init(ledger: Ledger, payloadJSON: @escaping ExportLine.PayloadRenderer = { _ in nil }) {
        self.ledger = ledger
        self.payloadJSON = payloadJSON
    }

    public struct Summary: Sendable {
        public var size: UInt64
        public var root: MerkleHash
        /// The checkpoint written beside the export, if the ledger had one at or below its size.
        public var checkpoint: SignedCheckpoint?
    }

    /// Exports positions 0…size−1 (the whole ledger when `asOfSize` is nil) to `path`, replacing it.
    public func export(to path: String, asOfSize: UInt64? = nil, progress: (UInt64, UInt64) -> Void = { _, _ in })
        throws(LedgerError) -> Summary
    {
        let treeSize = try ledger.treeSize()
        let size = asOfSize ?? treeSize
        guard size <= treeSize else {
            throw LedgerError(.invalidArgument, "--as-of-size \(size) is beyond the ledger's \(treeSize) events")
        }
        let output = try OutputFile(path: path)
        var frontier = MerkleFrontier()
        var decoder = RecordDecoder()
        do throws(LedgerError) {
            try ledger.scanRecords(from: .zero, limit: size) { position, bytes in
                guard position.rawValue == frontier.size else {
                    throw LedgerError(.corrupted, "record \(frontier.size) is missing; run cus ledger verify")
                }
                try output.write(try line(position, bytes, &decoder))
                frontier.append(RFC6962.leafHash(of: bytes))
                if position.rawValue % 10_000 == 9_999 { progress(position.rawValue + 1, size) }
            }
            // A damaged meta.treeSize may claim more events than there are records: no export claims them.
            guard frontier.size == size else {
                throw LedgerError(
                    .corrupted,
                    "the ledger claims \(size) events but its records end at \(frontier.size); run cus ledger verify")
            }
        } catch {
            unlink(path)  // no partial export is left to be mistaken for a whole one
            throw error
        }
        try output.finish()
        progress(size, size)
        let checkpoint = try ledger.newestCheckpoint(atOrBelow: size)
        let sidecar = path + ".checkpoint"
        unlink(sidecar)
        if let checkpoint {
            let file = try OutputFile(path: sidecar)
            try file.write(checkpoint.text)
            try file.finish()
        }
        return Summary(size: size, root: frontier.root(), checkpoint: checkpoint)
    }

    /// The export lines (each ending in a newline) of the `count` events from `position`, as UTF-8: one chunk of
    /// an export streamed without holding the whole of it (`GET /v1/audit/export`).
    public func lines(from position: Position, count: UInt64) throws(LedgerError) -> [UInt8] {
        var decoder = RecordDecoder()
        var chunk: [UInt8] = []
        try ledger.scanRecords(from: position, limit: count) { position, bytes in
            chunk.append(contentsOf: try line(position, bytes, &decoder).utf8)
        }
        return chunk
    }

    private func line(_ position: Position, _ bytes: UnsafeRawBufferPointer, _ decoder: inout RecordDecoder) throws
        -> String
    {
        let event = try decoder.decode(bytes, expectedPosition: position)
        return ExportLine.format(event, record: bytes, payloadJSON: payloadJSON(event)) + "\n"
    }
}

/// A file written through a buffer, fsynced and closed by `finish()`.
final class OutputFile {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    let path: String

    init(path: String) throws(LedgerError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw LedgerError(.storage, "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        buffer.reserveCapacity(1 << 20)
    }

    deinit { close(descriptor) }

    func write(_ text: String) throws(LedgerError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private func flush() throws(LedgerError) {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { bytes in
                Glibc.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            guard written > 0 else {
                throw LedgerError(.storage, "cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    func finish() throws(LedgerError) {
        try flush()
        guard fsync(descriptor) == 0 else {
            throw LedgerError(.storage, "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }
}
