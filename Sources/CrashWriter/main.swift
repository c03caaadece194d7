// A child process for the kill -9 suites (Tests/LedgerCrashTests, Tools/crash-loop): appends from many tasks
// and reports each durable acknowledgement on stdout, until it is killed. Ids and streams are derived from
// (cycle, task, sequence), so the next cycle can re-send the first requests of the previous one and report
// what the ledger answers (ledger.md §6: re-sent ids return the original positions).
import LMDB
import Ledger

#if canImport(Glibc)
    import Glibc
#endif

/// One line to stdout with write(2): no buffering, so a line printed before the kill is complete.
func report(_ line: String) {
    var text = line + "\n"
    text.withUTF8 { bytes in _ = write(STDOUT_FILENO, bytes.baseAddress, bytes.count) }
}

let arguments = CommandLine.arguments
if arguments.count == 3 && arguments[2] == "hold-reader" {
    // Leaves a reader slot behind when killed: opens the ledger read-only and sits inside a read transaction.
    let reader = try Ledger(Ledger.Options(dataDirectory: arguments[1], readOnly: true))
    try reader.environment.read { _ in
        report("holding")
        while true { sleep(60) }
    }
}
if arguments.count == 4 && arguments[2] == "erase-loop", let residents = Int(arguments[3]) {
    try await runErasureLoop(dataDirectory: arguments[1], residents: residents)
}
guard arguments.count == 4, let cycle = UInt64(arguments[2]), let tasks = Int(arguments[3]) else {
    print(
        "usage: CrashWriter DATA_DIR CYCLE TASKS | CrashWriter DATA_DIR hold-reader | CrashWriter DATA_DIR erase-loop N"
    )
    exit(64)
}
let category = try Category("crash")
let eventType = try EventType("crash.Appended")

func stream(cycle: UInt64, task: Int) -> StreamID {
    StreamID(category: category, id: UUID128(high: cycle << 32 | UInt64(task), low: 0xC0FFEE))
}

func events(cycle: UInt64, task: Int, sequence: UInt64) -> [NewEvent] {
    let command = UUID128(high: cycle << 32 | UInt64(task), low: sequence)
    let count = Int(sequence % 3) + 1
    return (0..<count).map { index in
        NewEvent(
            id: .derived(commandID: command, index: UInt32(index)), type: eventType,
            payload: Array("{\"cycle\":\(cycle),\"task\":\(task),\"seq\":\(sequence),\"i\":\(index)}".utf8),
            metadata: EventMetadata(actor: "system:crash-test"))
    }
}

func leafHashes(_ ledger: Ledger, _ result: AppendResult) throws -> String {
    var hashes: [String] = []
    try ledger.scanRecords(
        from: result.firstPosition, limit: result.lastPosition.rawValue - result.firstPosition.rawValue + 1
    ) {
        _, bytes in hashes.append(RFC6962.leafHash(of: bytes).hex)
    }
    return hashes.joined(separator: ",")
}

let ledger = try Ledger(
    Ledger.Options(
        dataDirectory: arguments[1], initialMapSizeBytes: 8 << 20, writerPurpose: "crash writer",
        checkpointEveryEvents: 500))
if cycle > 0 {
    for task in 0..<tasks {
        for sequence: UInt64 in 0..<2 {
            let result = try await ledger.append(
                to: stream(cycle: cycle - 1, task: task), expectedVersion: .any,
                events: events(cycle: cycle - 1, task: task, sequence: sequence))
            report(
                "retry \(cycle - 1) \(task) \(sequence) \(result.firstPosition) \(result.lastPosition) \(result.wasAlreadyRecorded)"
            )
        }
    }
}
report("ready")
try await withThrowingTaskGroup(of: Void.self) { group in
    for task in 0..<tasks {
        group.addTask {
            var version: StreamVersion?
            for sequence: UInt64 in 0..<UInt64.max {
                let result = try await ledger.append(
                    to: stream(cycle: cycle, task: task), expectedVersion: version.map { .exact($0) } ?? .noStream,
                    events: events(cycle: cycle, task: task, sequence: sequence))
                version = result.streamVersion
                report(
                    "ack \(cycle) \(task) \(sequence) \(result.firstPosition) \(result.lastPosition) \(try leafHashes(ledger, result))"
                )
            }
        }
    }
    try await group.waitForAll()
}
