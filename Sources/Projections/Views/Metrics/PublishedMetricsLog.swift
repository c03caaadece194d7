public import Domain
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where published M&E values live (ADR 0012): `DIR/published/metrics.jsonl`, one `PublishedRevision` per line,
/// appended and never rewritten. Not in the projections env, which is rebuilt and never backed up: a
/// published value must outlive rebuilds. Publishing holds an exclusive `flock` on the file while it reads the
/// latest revision and appends the next, so two publishers cannot both write revision N + 1.
public struct PublishedMetricsLog: Sendable {
    public let path: String

    /// The log under a data directory.
    public init(dataDirectory: String) { path = dataDirectory + "/published/metrics.jsonl" }

    /// The programme's revisions for `period`, oldest first.
    public func revisions(programme: ProgrammeID, period: ReportingPeriod) throws(ProjectionError)
        -> [PublishedRevision]
    {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ProjectionError.storage("cannot read \(path): \(error)")
        }
        return try Self.revisions(in: text, programme: programme, period: period)
    }

    /// Publishes `report` for `period`: appends it as the next revision unless the latest one publishes the same
    /// values; a cutoff before the latest revision's is refused. Returns the revision that stands and whether it
    /// was appended now.
    public func publish(_ report: MetricsReport, period: ReportingPeriod, publishedAt: String) throws(ProjectionError)
        -> (revision: PublishedRevision, appended: Bool)
    {
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        } catch { throw ProjectionError.storage("cannot create the directory of \(path): \(error)") }
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw ProjectionError.storage("cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw ProjectionError.storage("cannot lock \(path): errno \(errno)")
        }
        let existing = try revisions(programme: report.programme, period: period)
        if let latest = existing.last, report.cutoff.size < latest.cutoff.size {
            throw ProjectionError.cutoffBeforePublished(asked: report.cutoff.size, published: latest.cutoff.size)
        }
        let next = PublishedRevision(
            report, period: period, revision: (existing.last?.revision ?? 0) + 1, publishedAt: publishedAt)
        if let latest = existing.last, latest.publishesSameValues(as: next) { return (latest, false) }
        let line: Data
        do { line = try Self.encoder.encode(next) + Data("\n".utf8) } catch {
            throw ProjectionError.storage("cannot encode a revision: \(error)")
        }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count, fsync(descriptor) == 0 else {
            throw ProjectionError.storage("cannot append to \(path): errno \(errno)")
        }
        return (next, true)
    }

    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The revisions of one programme and period in the log's text; a line that does not decode is an error.
    static func revisions(in text: String, programme: ProgrammeID, period: ReportingPeriod) throws(ProjectionError)
        -> [PublishedRevision]
    {
        let programmeText = programme.uuid.lowercasedText
        var found: [PublishedRevision] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            let revision: PublishedRevision
            do { revision = try JSONDecoder().decode(PublishedRevision.self, from: Data(line.utf8)) } catch {
                throw ProjectionError.corruptPublication(line: index + 1, "\(error)")
            }
            if revision.programme == programmeText && revision.period == period.description { found.append(revision) }
        }
        return found
    }
}
