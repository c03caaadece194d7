#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The lock file (`lock.mdb`) of an environment, as other processes see it.
public enum EnvironmentLockFile {
    /// Runs `body` (which replaces the closed environment's `data.mdb`) while no other process can open the
    /// environment at `directory`, after checking that none has it open.
    ///
    /// liblmdb keeps an `fcntl` lock on byte 0 of `lock.mdb` for as long as a process has the environment open
    /// (exclusive while it initialises the lock file, shared afterwards). Taking the exclusive lock here proves
    /// no other process holds the environment, and makes an opener wait until `body` is done; the next opener is
    /// then the first one and rebuilds `lock.mdb` from the new data file (a compacted copy restarts at
    /// transaction id 1, which the old lock file's reader table would contradict).
    /// Throws `inUseElsewhere` when another process has the environment open; `body` then does not run.
    /// Call it only while this process has the environment closed: closing a descriptor drops all of this
    /// process's `fcntl` locks on the file, liblmdb's included.
    public static func withOtherProcessesLockedOut<R>(directory: String, _ body: () throws -> R) throws -> R {
        let path = directory + "/lock.mdb"
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else {
            // No lock file: no process has ever had the environment open since it was made.
            guard errno == ENOENT else { throw LMDBError(code: errno, call: "open(\(path))") }
            return try body()
        }
        defer { close(descriptor) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 1
        guard fcntl(descriptor, F_SETLK, &lock) == 0 else {
            let code = errno
            guard code == EACCES || code == EAGAIN else {
                throw LMDBError(code: code, call: "fcntl(F_SETLK, \(path))")
            }
            throw LMDBError(
                code: LMDBError.inUseElsewhere.rawValue, call: "fcntl(F_SETLK, \(path))",
                message: "another process has \(directory) open")
        }
        return try body()
    }
}
