#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lets many transactions run at once but gives `mdb_env_set_mapsize` a moment with none active, as lmdb.h
/// requires ("may be called … if no transactions are active in this process"); the `Vault` uses one the same way
/// to swap its keys env under running tasks.
///
/// The exclusive side goes first: a waiting map growth stops new shared holds, so readers arriving back to
/// back cannot starve the writer (glibc's default rwlock prefers readers, and a server under steady read load
/// then kept its writer, and every append, waiting for ever). A thread that already holds the gate may take it
/// again (a read inside a read): it counts the nesting per thread instead of queueing behind the waiting
/// writer, which would wait for that thread's own first hold.
package final class ReadWriteGate: @unchecked Sendable {
    // A pthread rwlock needs a stable address, so it lives in its own allocation.
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>
    /// This thread's count of shared holds on this gate (a pthread key per gate; 0 = none).
    private let depthKey: pthread_key_t

    package init() {
        lock = .allocate(capacity: 1)
        lock.initialize(to: pthread_rwlock_t())
        var attributes = pthread_rwlockattr_t()
        pthread_rwlockattr_init(&attributes)
        #if canImport(Glibc)
            pthread_rwlockattr_setkind_np(&attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
        #endif
        pthread_rwlock_init(lock, &attributes)
        pthread_rwlockattr_destroy(&attributes)
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "out of pthread keys")
        depthKey = key
    }

    deinit {
        pthread_key_delete(depthKey)
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    package func withShared<R>(_ body: () throws -> R) rethrows -> R {
        let depth = Int(bitPattern: pthread_getspecific(depthKey))
        if depth == 0 { pthread_rwlock_rdlock(lock) }
        pthread_setspecific(depthKey, UnsafeRawPointer(bitPattern: depth + 1))
        defer {
            pthread_setspecific(depthKey, UnsafeRawPointer(bitPattern: depth))
            if depth == 0 { pthread_rwlock_unlock(lock) }
        }
        return try body()
    }

    package func withExclusive<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }
}
