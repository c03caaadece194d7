import Foundation

/// Runs the groups of one `ProjectionBuilder.build` at once, one thread per group (the caller's among them),
/// and merges what they report into the order of the projections the build was given. The caller's
/// `progress` and `shouldStop` are called under one lock, so never by two threads at once, and never after
/// `run` returns. A group that fails stops the others at their next check (`cancelled`), and `run` throws its
/// error.
enum ParallelBuild {
    typealias GroupBuild = (
        _ group: [Int], _ report: ([ProjectionRecord]) -> Void, _ stop: () -> Bool
    ) throws(ProjectionError) -> [ProjectionRecord]

    /// `groups` holds indices into the build's projections, one array per group; `records` are the projections'
    /// records before the build, which `progress` reports until their group reports newer ones.
    static func run(
        _ groups: [[Int]], from records: [ProjectionRecord], progress: ([ProjectionRecord]) -> Void,
        shouldStop: () -> Bool, _ build: GroupBuild
    ) throws(ProjectionError) -> [ProjectionRecord] {
        let merged = Merged(records, groups: groups.count)
        withoutActuallyEscaping(progress) { progress in
            withoutActuallyEscaping(shouldStop) { shouldStop in
                withoutActuallyEscaping(build) { build in
                    // The closures cross to the other threads inside this box; `concurrentPerform` returns only
                    // after every group did, and `Merged` calls the caller's two under its lock.
                    let callers = Callers(progress: progress, shouldStop: shouldStop, build: build)
                    DispatchQueue.concurrentPerform(iterations: groups.count) { index in
                        let group = groups[index]
                        let outcome = Result { () throws(ProjectionError) -> [ProjectionRecord] in
                            try callers.build(
                                group,
                                { records in merged.report(records, of: group, progress: callers.progress) },
                                { merged.shouldStop(callers.shouldStop) })
                        }
                        merged.finish(index, outcome, of: group)
                    }
                }
            }
        }
        return try merged.result()
    }

    private final class Callers: @unchecked Sendable {
        let progress: ([ProjectionRecord]) -> Void
        let shouldStop: () -> Bool
        let build: GroupBuild

        init(
            progress: @escaping ([ProjectionRecord]) -> Void, shouldStop: @escaping () -> Bool,
            build: @escaping GroupBuild
        ) {
            self.progress = progress
            self.shouldStop = shouldStop
            self.build = build
        }
    }

    /// What the groups share while they run.
    private final class Merged: @unchecked Sendable {
        private let lock = NSLock()
        private var records: [ProjectionRecord]
        private var outcomes: [Result<Void, ProjectionError>?]
        private var failed = false

        init(_ records: [ProjectionRecord], groups: Int) {
            self.records = records
            outcomes = Array(repeating: nil, count: groups)
        }

        /// Keeps a group's records and reports every projection's latest.
        func report(_ reported: [ProjectionRecord], of group: [Int], progress: ([ProjectionRecord]) -> Void) {
            lock.withLock {
                for (index, record) in zip(group, reported) { records[index] = record }
                progress(records)
            }
        }

        func shouldStop(_ callers: () -> Bool) -> Bool {
            lock.withLock { failed || callers() }
        }

        func finish(_ index: Int, _ outcome: Result<[ProjectionRecord], ProjectionError>, of group: [Int]) {
            lock.withLock {
                switch outcome {
                case .success(let built):
                    for (position, record) in zip(group, built) { records[position] = record }
                    outcomes[index] = .success(())
                case .failure(let error):
                    if case .cancelled = error {} else { failed = true }
                    outcomes[index] = .failure(error)
                }
            }
        }

        /// Every projection's record, or the first failure that is not a cancellation (a cancellation else).
        func result() throws(ProjectionError) -> [ProjectionRecord] {
            let (records, outcomes) = lock.withLock { (self.records, self.outcomes) }
            var cancelled: ProjectionError?
            for case .failure(let error)? in outcomes {
                if case .cancelled = error { cancelled = error } else { throw error }
            }
            if let cancelled { throw cancelled }
            return records
        }
    }
}
