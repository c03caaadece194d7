import ArgumentParser
import Commands
import Projections
import Ledger
import Vault

#if canImport(Glibc)
    import Glibc
#endif

/// Maps a failure to `cus`'s exit codes (style.md §4) and prints its one-line reason on stderr.
struct CommandFailure: Error, CustomStringConvertible {
    let exitCode: Int32
    let reason: String

    init(exitCode: Int32, reason: String) {
        self.exitCode = exitCode
        self.reason = reason
    }

    init(_ error: any Error) {
        if let failure = error as? CommandFailure {
            self = failure
            return
        }
        if let error = error as? CommandError {
            self.init(error)
            return
        }
        if let error = error as? ProjectionError {
            self.init(error)
            return
        }
        if let error = error as? VaultError {
            self.init(CommandError(error))
            return
        }
        // Bad arguments found once the command runs (a key that does not parse, a non-empty --out): usage, as when
        // ArgumentParser finds them first.
        if let error = error as? ValidationError {
            self.init(exitCode: 64, reason: error.message)
            return
        }
        guard let error = error as? LedgerError else {
            self.init(exitCode: 70, reason: "\(error)")
            return
        }
        let reason = error.description.split(separator: "\n").joined(separator: " ")
        switch error.code {
        case .writerLocked: self.init(exitCode: 75, reason: reason)
        case .outcomeUnknown, .storage, .writerStopped, .mapFull, .readersFull: self.init(exitCode: 74, reason: reason)
        case .limitExceeded: self.init(exitCode: 65, reason: reason)
        case .invalidArgument: self.init(exitCode: 64, reason: reason)
        case .corrupted: self.init(exitCode: 1, reason: reason)
        default: self.init(exitCode: 70, reason: reason)
        }
    }

    init(_ error: ProjectionError) {
        let reason = error.description.split(separator: "\n").joined(separator: " ")
        switch error {
        case .unknownProjection, .invalidKey, .cutoffBeforePublished: self.init(exitCode: 64, reason: reason)
        case .storage: self.init(exitCode: 74, reason: reason)
        case .undecodable, .corruptRow, .corruptPublication: self.init(exitCode: 1, reason: reason)
        case .cancelled: self.init(exitCode: 130, reason: reason)
        case .applyFailed, .failed, .outdated: self.init(exitCode: 70, reason: reason)
        }
    }

    init(_ error: CommandError) {
        let reason = error.description.split(separator: "\n").joined(separator: " ")
        switch error.code {
        case .invalidRequest, .rejected, .idempotencyKeyReused, .wrongExpectedVersion, .preconditionFailed:
            self.init(exitCode: 64, reason: reason)
        case .overloaded: self.init(exitCode: 75, reason: reason)
        case .limitExceeded: self.init(exitCode: 65, reason: reason)
        case .outcomeUnknown, .storage, .writerStopped: self.init(exitCode: 74, reason: reason)
        case .writerLocked, .readersFull: self.init(exitCode: 75, reason: reason)
        case .corrupted: self.init(exitCode: 1, reason: reason)
        }
    }

    var description: String { reason }
}

extension AsyncParsableCommand {
    /// Runs `body`, turning any failure into a one-line reason on stderr and the mapped exit code.
    func reportingFailures(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let failure = CommandFailure(error)
            var standardError = StandardError()
            print("cus: \(failure.reason)", to: &standardError)
            throw ExitCode(failure.exitCode)
        }
    }
}

/// stderr as a `TextOutputStream` (written with write(2): the C `stderr` global is not concurrency-safe).
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var text = string
        text.withUTF8 { bytes in _ = Glibc.write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    }
}
