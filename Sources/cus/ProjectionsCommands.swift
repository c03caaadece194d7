import ArgumentParser
import Domain
import Foundation
import Ledger
import Projections
import Vault

/// `cus projections …`
struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections", abstract: "Show and rebuild the read models (DIR/projections).",
        subcommands: [ProjectionsStatusCommand.self, ProjectionsRebuildCommand.self, ProjectionsCompactCommand.self])
}

/// `--as-of-size N | --as-of DATE` (ledger.md §5.3).
struct CutoffOptions: ParsableArguments {
    @Option(name: .long, help: "Only the first N events (the tree of size N).")
    var asOfSize: UInt64?

    @Option(
        name: .long,
        help: "Only the events recorded before the end of this local date (Europe/Warsaw), YYYY-MM-DD.")
    var asOf: String?

    static let warsaw = TimeZone(identifier: "Europe/Warsaw") ?? .gmt

    var isSet: Bool { asOfSize != nil || asOf != nil }

    func validate() throws {
        if asOfSize != nil && asOf != nil { throw ValidationError("give --as-of-size or --as-of, not both") }
        if let asOf, LocalDate(asOf) == nil { throw ValidationError("--as-of wants a date YYYY-MM-DD, not \(asOf)") }
    }

    /// The cutoff size, or nil for the whole ledger.
    func size(in ledger: Ledger) throws -> UInt64? {
        if let asOfSize { return asOfSize }
        guard let asOf, let date = LocalDate(asOf) else { return nil }
        return try AsOfBuild.size(endOf: date, timeZone: Self.warsaw, ledger: ledger)
    }
}

extension StoreOptions {
    var projectionsDirectory: String { data + "/projections" }
}

/// Every projection of the catalogue; the person dimension joins when the keys env exists, opened read-only.
struct ProjectionSet {
    let projections: [any Projection]
    let vault: Vault?

    static func open(_ store: StoreOptions, keys: KeyFileOptions, ledger: Ledger) throws -> ProjectionSet {
        let options = keys.vaultOptions(dataDirectory: store.data, readOnly: true)
        guard FileManager.default.fileExists(atPath: options.keysEnvironmentPath + "/data.mdb") else {
            return ProjectionSet(projections: ProjectionCatalogue.all(attributes: nil), vault: nil)
        }
        let vault = try Vault(options)
        let source = StatisticalAttributeSource(ledger: ledger, vault: vault)
        return ProjectionSet(projections: ProjectionCatalogue.all(attributes: source), vault: vault)
    }

    func named(_ names: [String]) throws -> [any Projection] {
        guard !names.isEmpty else { return projections }
        return try names.map { name in
            guard let found = projections.first(where: { type(of: $0).name == name }) else {
                throw ProjectionError.unknownProjection(name)
            }
            return found
        }
    }

    func close() { vault?.close() }
}

/// `cus projections status`: name, version, checkpoint, lag and state of every projection.
struct ProjectionsStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show each projection's version, checkpoint, lag and state.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: true, purpose: "cus projections status")
            defer { ledger.close() }
            let set = try ProjectionSet.open(store, keys: keys, ledger: ledger)
            defer { set.close() }
            let projections = set.projections.map { type(of: $0) as any Projection.Type }
            var projectionsStore: ProjectionsStore?
            if FileManager.default.fileExists(atPath: store.projectionsDirectory + "/data.mdb") {
                projectionsStore = try ProjectionsStore(directory: store.projectionsDirectory, readOnly: true)
            }
            defer { projectionsStore?.close() }
            let statuses = try ProjectionStatus.report(
                projections, store: projectionsStore, ledger: ledger, now: Timestamp(microseconds: Self.now))
            if output.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(statuses), as: UTF8.self))
                return
            }
            for status in statuses {
                var line =
                    "\(status.name.padding(toLength: 20, withPad: " ", startingAt: 0)) v\(status.version)  "
                    + "\(status.state.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) "
                    + "checkpoint \(status.checkpoint)  lag \(status.lagEvents) events"
                if let seconds = status.lagSeconds { line += String(format: " (%.1f s)", seconds) }
                if let rebuild = status.rebuildCheckpoint { line += "  rebuilding at \(rebuild)" }
                if let failedAt = status.failedAt { line += "  failed at \(failedAt): \(status.error ?? "")" }
                print(line)
            }
        }
    }

    static var now: Int64 { Int64((Date().timeIntervalSince1970 * 1_000_000).rounded()) }
}

/// `cus projections rebuild`: blue/green rebuilds of the live views, or a build at a cutoff into `--out`.
struct ProjectionsRebuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Rebuild projections from position 0 beside the live ones, then switch (or build into --out).",
        discussion: """
            Safe beside a running server: the rebuild writes a new generation of tables while the server keeps \
            serving and extending the old one; the switch is one transaction of the projections environment, \
            after which the server's live catch-up continues on the new generation (it rereads the projection's \
            record in every batch). The old tables are emptied, not deleted, so no reader loses its handle. An \
            interrupted rebuild resumes from its own checkpoint when run again. The named projections are built \
            together, split across the cores (ADR 0023), and each is switched as soon as it has caught up.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions
    @OptionGroup var cutoff: CutoffOptions

    @Argument(help: "Projections to rebuild (default: all).")
    var names: [String] = []

    @Option(name: .long, help: "Build into this new directory instead of replacing the live projections.")
    var out: String?

    func validate() throws {
        if cutoff.isSet && out == nil {
            throw ValidationError("a rebuild at a cutoff needs --out DIR: the live views always hold every event")
        }
    }

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: true, purpose: "cus projections rebuild")
            defer { ledger.close() }
            let set = try ProjectionSet.open(store, keys: keys, ledger: ledger)
            defer { set.close() }
            let projections = try set.named(names)
            let size = try cutoff.size(in: ledger) ?? ledger.treeSize()
            if let out {
                try buildInto(out, projections, ledger: ledger, size: size)
            } else {
                try rebuildLive(projections, ledger: ledger)
            }
        }
    }

    private func rebuildLive(_ projections: [any Projection], ledger: Ledger) throws {
        let projectionsStore = try ProjectionsStore(directory: store.projectionsDirectory)
        defer { projectionsStore.close() }
        let rebuild = ProjectionRebuild(builder: ProjectionBuilder(ledger: ledger, store: projectionsStore))
        let names = projections.map { type(of: $0).name }
        var bar = ProgressBar(
            total: try ledger.treeSize(), label: names.count == 1 ? names[0] : "\(names.count) projections")
        let started = Stopwatch()
        // Each line as its projection switches, so those that switched are told even if the rest then fails.
        let outcomes = try rebuild.run(
            projections,
            progress: { records in if let lowest = records.map(\.checkpoint).min() { bar.update(lowest) } },
            switched: { index, record in
                print(
                    "\(names[index]): rebuilt \(record.checkpoint) events in \(Self.rate(record.checkpoint, started)); live"
                )
            })
        for (name, outcome) in zip(names, outcomes) {
            if case .failed(let record) = outcome {
                let failure = record.failure.map { "at \($0.position): \($0.message)" } ?? ""
                throw ProjectionError.failed(projection: name, position: record.checkpoint, failure)
            }
        }
    }

    private func buildInto(_ directory: String, _ projections: [any Projection], ledger: Ledger, size: UInt64) throws {
        if let existing = try? FileManager.default.contentsOfDirectory(atPath: directory), !existing.isEmpty {
            throw ValidationError("--out \(directory) is not empty")
        }
        let projectionsStore = try ProjectionsStore(directory: directory)
        defer { projectionsStore.close() }
        let names = projections.map { type(of: $0).name }
        var bar = ProgressBar(total: size, label: names.count == 1 ? names[0] : "\(names.count) projections")
        let started = Stopwatch()
        let built = try ProjectionBuild.all(projections, ledger: ledger, store: projectionsStore, size: size) {
            bar.update($0)
        }
        print("\(names.joined(separator: ", ")): built \(built) events in \(Self.rate(built, started))")
        print("cutoff size \(size), root \(try ledger.root(atSize: size).hex); projections in \(directory)")
    }

    static func rate(_ events: UInt64, _ stopwatch: Stopwatch) -> String {
        let seconds = stopwatch.seconds
        let rate = seconds > 0 ? Double(events) / seconds : 0
        return String(format: "%.2f s (%.0f events/s)", seconds, rate)
    }
}

/// Builds projections into the live slot of a new projections env up to a size.
enum ProjectionBuild {
    /// One scan of the ledger feeds every projection (each record decoded once); throws at the first projection
    /// that failed; returns the size every projection reached.
    static func all(
        _ projections: [any Projection], ledger: Ledger, store: ProjectionsStore, size: UInt64,
        progress: (UInt64) -> Void
    ) throws -> UInt64 {
        let builder = ProjectionBuilder(ledger: ledger, store: store)
        let records = try builder.build(projections, slot: .live, upTo: size) { records in
            progress(records.map(\.checkpoint).min() ?? size)
        }
        for (projection, record) in zip(projections, records) {
            if let failure = record.failure {
                throw ProjectionError.failed(
                    projection: type(of: projection).name, position: failure.position, failure.message)
            }
        }
        return records.map(\.checkpoint).min() ?? 0
    }
}

/// `cus projections compact`: ledger.md §4.4's compacting copy after erasures, for a projections env that no server
/// holds (`cus serve` compacts by itself after each burst of erasures; `cus ops run-due` erases without one).
struct ProjectionsCompactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Catch the built projections up to the ledger (erasure receipts applied), then compact the "
            + "projections env so no free page keeps an erased person's attributes (refused while another process, "
            + "such as a running `cus serve`, has it open).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var keys: KeyFileOptions

    func run() async throws {
        try await reportingFailures {
            let ledger = try store.openLedger(readOnly: true, purpose: "cus projections compact")
            defer { ledger.close() }
            let set = try ProjectionSet.open(store, keys: keys, ledger: ledger)
            defer { set.close() }
            let projectionsStore = try ProjectionsStore(directory: store.projectionsDirectory)
            defer { projectionsStore.close() }
            let builder = ProjectionBuilder(ledger: ledger, store: projectionsStore)
            let size = try ledger.treeSize()
            // Only live generations of this code version: another version's tables are emptied when it is rebuilt.
            for projection in set.projections {
                let type = type(of: projection)
                guard let live = try projectionsStore.record(of: type.name), live.version == type.version else {
                    continue
                }
                let record = try builder.build(projection, slot: .live, upTo: size)
                if let failure = record.failure {
                    throw ProjectionError.failed(projection: type.name, position: failure.position, failure.message)
                }
            }
            let report = try projectionsStore.compact()
            print("projections env compacted: \(report.bytesBefore) → \(report.bytesAfter) bytes")
        }
    }
}
