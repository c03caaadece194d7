import Synchronization

/// Process-wide set of open environment paths. lmdb.h: "Do not have open an LMDB database twice in the same
/// process at the same time" (closing one copy would drop the other's locks), so a second open throws.
final class EnvironmentRegistry: Sendable {
    static let shared = EnvironmentRegistry()
    private let open = Mutex<Set<String>>([])

    func claim(_ path: String) throws(LMDBError) {
        let claimed = open.withLock { $0.insert(path).inserted }
        if !claimed {
            throw LMDBError(
                code: LMDBError.alreadyOpen.rawValue, call: "Environment.init",
                message: "\(path) is already open in this process")
        }
    }

    func release(_ path: String) {
        _ = open.withLock { $0.remove(path) }
    }
}
