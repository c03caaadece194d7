import Ledger
import LedgerTesting

extension LedgerSimulation {
    /// After every step: same size; the new records byte for byte; the root from the model's records equal to
    /// the model's, the ledger's frontier and its tiles; the newest checkpoint signs a root of the model.
    func checkGrowth() throws {
        let size = try ledger.treeSize()
        let checked = UInt64(roots.count - 1)
        let modelSize = try model.treeSize()
        try expect(size == modelSize, "the ledger holds \(size) events, the model \(modelSize)")
        try expect(size >= checked, "the ledger shrank from \(checked) to \(size) events")
        for (offset, record) in model.records(from: Position(checked)).enumerated() {
            let position = Position(checked + UInt64(offset))
            try expect(try ledger.recordBytes(at: position) == record, "the record at \(position) differs")
            frontier.append(RFC6962.leafHash(of: record))
            roots.append(frontier.root())
        }
        let root = roots[Int(size)]
        try expect(try model.merkleRoot() == root, "the model's root differs from its records' root at \(size)")
        try expect(try ledger.merkleRoot() == root, "the ledger's frontier root differs at size \(size)")
        try expect(try ledger.root(atSize: size) == root, "the ledger's tiles root differs at size \(size)")
        if let newest = try ledger.newestCheckpoint()?.checkpoint {
            try checkCheckpoint(newest, size: size)
        }
    }

    private func checkCheckpoint(_ checkpoint: Checkpoint, size: UInt64) throws {
        try expect(checkpoint.size <= size, "a checkpoint of size \(checkpoint.size) is beyond the tree's \(size)")
        try expect(checkpoint.origin == ledger.origin, "a checkpoint names origin \(checkpoint.origin)")
        try expect(
            checkpoint.root == roots[Int(checkpoint.size)],
            "the checkpoint of size \(checkpoint.size) signs another root")
    }

    /// After a reopen or a crash: `checkGrowth`, every checkpoint, a sample of streams, and `LedgerVerifier`.
    func checkEverything() throws {
        try checkGrowth()
        let size = try ledger.treeSize()
        for signed in try ledger.checkpoints() { try checkCheckpoint(signed.checkpoint, size: size) }
        for _ in 0..<min(32, planner.streams.count) {
            guard let stream = planner.streams.randomElement(using: &planner.generator) else { break }
            try expect(
                try ledger.currentVersion(of: stream) == (try model.currentVersion(of: stream)),
                "\(stream) is at another version")
        }
        let report = try LedgerVerifier(ledger: ledger).verify()
        try expect(
            report.ok,
            "verify found \(report.problemCount) problems, first \(String(describing: report.problems.first))")
        try expect(report.size == size && report.root == roots[Int(size)], "verify rebuilt another tree")
        statistics.verifications += 1
    }

    /// After an append: each stream's version, its last events, and every event of the request by id.
    func checkStreams(of request: [StreamAppend]) throws {
        for part in request {
            try expect(
                try ledger.currentVersion(of: part.stream) == (try model.currentVersion(of: part.stream)),
                "\(part.stream) is at another version")
            try expect(
                try ledger.read(stream: part.stream, from: nil, direction: .backward, limit: 3)
                    == (try model.read(stream: part.stream, from: nil, direction: .backward, limit: 3)),
                "the last events of \(part.stream) differ")
            for event in part.events {
                try expect(
                    try ledger.event(id: event.id) == (try model.event(id: event.id)), "event \(event.id) differs")
            }
        }
    }

    /// One random read through an index, compared with the model's answer.
    func read() throws {
        let size = try model.treeSize()
        let from = Position(UInt64.random(in: 0...size, using: &planner.generator))
        let limit = Int.random(in: 0...12, using: &planner.generator)
        switch Int.random(in: 0..<4, using: &planner.generator) {
        case 0:
            let type = RequestPlanner.types.randomElement(using: &planner.generator) ?? RequestPlanner.types[0]
            try expect(
                try ledger.read(type: type, from: from, limit: limit)
                    == (try model.read(type: type, from: from, limit: limit)),
                "reading \(type) from \(from) differs")
        case 1:
            let category =
                RequestPlanner.categories.randomElement(using: &planner.generator) ?? RequestPlanner.categories[0]
            try expect(
                try ledger.read(category: category, from: from, limit: limit)
                    == (try model.read(category: category, from: from, limit: limit)),
                "reading \(category) from \(from) differs")
        case 2:
            try expect(
                try ledger.readAll(from: from, limit: limit) == (try model.readAll(from: from, limit: limit)),
                "reading all from \(from) differs")
        default:
            try readStream(limit: limit)
        }
        statistics.reads += 1
    }

    private func readStream(limit: Int) throws {
        let stream = planner.pickStream(avoiding: [])
        let current = modelVersion(stream)?.rawValue ?? 0
        let version =
            Bool.random(using: &planner.generator)
            ? nil : StreamVersion(UInt64.random(in: 0...current + 1, using: &planner.generator))
        let direction: ReadDirection = Bool.random(using: &planner.generator) ? .forward : .backward
        try expect(
            try ledger.read(stream: stream, from: version, direction: direction, limit: limit)
                == (try model.read(stream: stream, from: version, direction: direction, limit: limit)),
            "reading \(stream) \(direction) from \(version?.description ?? "its end") differs")
    }

    /// A scan of the log through `scanEvents`, compared with the model's.
    func scan() throws {
        let size = try model.treeSize()
        let from = Position(UInt64.random(in: 0...size, using: &planner.generator))
        let limit = Int.random(in: 0...200, using: &planner.generator)
        var scanned: [RecordedEvent] = []
        try ledger.scanEvents(from: from, limit: UInt64(limit)) { scanned.append($0) }
        try expect(scanned == (try model.readAll(from: from, limit: limit)), "scanning from \(from) differs")
        statistics.reads += 1
    }
}
