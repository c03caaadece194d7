public import Domain
import Foundation

/// What one run of a duty did, as `cus ops duties` lists it. A record is bookkeeping for operators, never the
/// guard against doing a duty twice: that is the command ids (ledger.md G4), so a lost or stale record only makes a
/// duty run again, appending nothing new.
public struct DutyRunRecord: Codable, Hashable, Sendable {
    public enum Outcome: String, Codable, Sendable, Hashable {
        /// Everything due was done (possibly nothing).
        case ok
        /// Done, but some subjects were left for a person to handle (e.g. a charge with no known income tier).
        case partial
        /// The duty stopped with an error; it runs again at its next slot.
        case failed
        /// The duty cannot run in this process (e.g. no backup directory configured).
        case skipped
    }

    public var duty: DutyKind
    public var startedAt: Instant
    public var finishedAt: Instant
    public var outcome: Outcome
    /// Commands issued that appended events.
    public var commandsAppended: Int
    /// Commands issued that had already committed (a rerun): nothing appended.
    public var commandsAlreadyRecorded: Int
    /// Subjects the policy chose but left, with why, e.g. `feeaccount-…/care 2025-03: income tier unknown`; the
    /// first `leftOverKeptMax`, then one line saying how many more (the run record stays small enough to load).
    public var leftOver: [String]
    public static let leftOverKeptMax = 200
    /// One line for the operator.
    public var summary: String

    public init(
        duty: DutyKind, startedAt: Instant, finishedAt: Instant, outcome: Outcome, commandsAppended: Int = 0,
        commandsAlreadyRecorded: Int = 0, leftOver: [String] = [], summary: String
    ) {
        self.duty = duty
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.commandsAppended = commandsAppended
        self.commandsAlreadyRecorded = commandsAlreadyRecorded
        self.leftOver = Array(leftOver.prefix(Self.leftOverKeptMax))
        if leftOver.count > Self.leftOverKeptMax {
            self.leftOver.append("… and \(leftOver.count - Self.leftOverKeptMax) more")
        }
        self.summary = summary
    }
}

/// A duty's schedule with its last run and the next one, for `cus ops duties`.
public struct DutyStatus: Hashable, Sendable {
    public var duty: DutyKind
    public var schedule: DutySchedule
    public var lastRun: DutyRunRecord?
    public var nextRun: Instant
    public var isDue: Bool
}

/// The last run of each duty, kept in `DIR/duties/runs.json` and replaced atomically (write, fsync, rename) after
/// every run, so a crash leaves the previous file or the new one.
public final class DutyRunStore: Sendable {
    public static let fileBytesMax = 1024 * 1024
    public let path: String

    public init(dataDirectory: String) { path = dataDirectory + "/duties/runs.json" }

    public init(path: String) { self.path = path }

    public func load() throws(DutyError) -> [DutyKind: DutyRunRecord] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidRunRecord(path: path, reason: "unreadable")
        }
        guard data.count <= Self.fileBytesMax else {
            throw .invalidRunRecord(path: path, reason: "larger than \(Self.fileBytesMax) bytes")
        }
        do {
            let records = try JSONDecoder().decode([DutyRunRecord].self, from: data)
            return Dictionary(records.map { ($0.duty, $0) }, uniquingKeysWith: { $1 })
        } catch {
            throw .invalidRunRecord(path: path, reason: "\(error)")
        }
    }

    /// Replaces the record of `record.duty`, keeping the others; an unreadable file is replaced by one holding
    /// this record alone (the other duties then run again at their next poll, appending nothing twice).
    public func save(_ record: DutyRunRecord) throws(DutyError) {
        var records = (try? load()) ?? [:]
        records[record.duty] = record
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data: Data
        do {
            data = try encoder.encode(DutyKind.allCases.compactMap { records[$0] })
        } catch {
            throw .runRecordNotWritten(path: path, reason: "\(error)")
        }
        try write(data)
    }

    private func write(_ data: Data) throws(DutyError) {
        let directory = (path as NSString).deletingLastPathComponent
        let staging = path + ".partial-\(getpid())"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            guard FileManager.default.createFile(atPath: staging, contents: data) else {
                throw DutyError.runRecordNotWritten(path: staging, reason: "cannot create")
            }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: staging))
            try handle.synchronize()
            try handle.close()
            guard rename(staging, path) == 0 else {
                throw DutyError.runRecordNotWritten(path: path, reason: String(cString: strerror(errno)))
            }
            // The rename itself is durable once the directory is synced.
            let descriptor = open(directory, O_RDONLY)
            if descriptor >= 0 {
                _ = fsync(descriptor)
                close(descriptor)
            }
        } catch let error as DutyError {
            throw error
        } catch {
            throw .runRecordNotWritten(path: path, reason: "\(error)")
        }
    }
}
