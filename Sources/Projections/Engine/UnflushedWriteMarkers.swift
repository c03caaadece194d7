import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// ADR 0020: the projections env commits without flushing (`MDB_NOSYNC`). A process that dies (kill -9 included)
/// loses nothing: its commits are in the kernel's page cache, and LMDB stays atomic and consistent without
/// flushes. Only a machine that goes down (power, kernel, hypervisor) can lose or tear pages never flushed.
///
/// So every process that writes the env first leaves a marker, `unflushed/<boot id>.<pid>`, flushed to disk, and
/// removes it only after flushing the whole env when it closes. A marker of another boot than the running one
/// means the machine went down while some process had writes not yet on disk: the next writer deletes the env
/// (derived data; the engine rebuilds every projection from the ledger) and a reader refuses it until then.
struct UnflushedWriteMarkers {
    /// `DIR/projections/unflushed`.
    let directory: String
    let environmentDirectory: String
    let bootID: String
    let processID: Int32

    init(environmentDirectory: String, bootID: String, processID: Int32 = getpid()) {
        self.environmentDirectory = environmentDirectory
        self.directory = environmentDirectory + "/unflushed"
        self.bootID = bootID
        self.processID = processID
    }

    /// Linux's id of the running boot; nil where there is none (then the env is flushed at every commit).
    static func currentBootID() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else {
            return nil
        }
        let id = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.isEmpty || id.contains("/") ? nil : id
    }

    var ownName: String { "\(bootID).\(processID)" }

    /// Checks for markers of earlier boots before the env is opened: a writer deletes the env and those markers,
    /// then places its own marker; a reader throws. Writers do this under an exclusive lock, so two writers
    /// starting together after a reboot do not both delete.
    func prepare(readOnly: Bool) throws(ProjectionError) {
        if readOnly {
            let earlier = try earlierBoots()
            guard earlier.isEmpty else {
                throw ProjectionError.storage(
                    "\(environmentDirectory) was being written without a flush when the machine went down "
                        + "(\(earlier.count) marker(s) in \(directory)); the next writer (cus serve, cus projections "
                        + "rebuild) deletes and rebuilds it")
            }
            return
        }
        try createDirectory()
        try withExclusiveLock { () throws(ProjectionError) in
            let earlier = try earlierBoots()
            if !earlier.isEmpty {
                try deleteEnvironment()
                for name in earlier { unlink(directory + "/" + name) }
            }
            try place()
        }
    }

    /// After the whole env was flushed: removes this process's marker and those of this boot's processes that are
    /// gone (the flush wrote their pages too). Markers of live processes stay.
    func removeFlushed() {
        for name in (try? names()) ?? [] where name.hasPrefix(bootID + ".") {
            guard let pid = Int32(name.dropFirst(bootID.count + 1)) else { continue }
            if pid == processID || (kill(pid, 0) != 0 && errno == ESRCH) { unlink(directory + "/" + name) }
        }
        Self.sync(directory: directory)
    }

    /// After a flush failed (a write-back error: pages the kernel could not write may be gone from the disk and,
    /// once evicted, read back stale): renames this process's marker so no boot ever counts it as its own, and the
    /// next writer deletes the env.
    func markFlushFailed() {
        rename(directory + "/" + ownName, directory + "/flush-failed." + ownName)
        Self.sync(directory: directory)
    }

    /// Names of markers that are not this boot's: left by a process of an earlier boot, or by a failed flush.
    func earlierBoots() throws(ProjectionError) -> [String] {
        try names().filter { !$0.hasPrefix(bootID + ".") && $0 != Self.lockName }
    }

    static let lockName = "lock"

    private func names() throws(ProjectionError) -> [String] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        do { return try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw ProjectionError.storage("cannot list \(directory): \(error)")
        }
    }

    private func createDirectory() throws(ProjectionError) {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw ProjectionError.storage("cannot create \(directory): \(error)")
        }
    }

    private func withExclusiveLock<R>(_ body: () throws(ProjectionError) -> R) throws(ProjectionError) -> R {
        let path = directory + "/" + Self.lockName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ProjectionError.storage("cannot open \(path): errno \(errno)") }
        defer { close(descriptor) }  // closing releases the lock
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw ProjectionError.storage("cannot lock \(path): errno \(errno)")
        }
        return try body()
    }

    /// Deletes the env's files; the next open creates an empty env, which the engine rebuilds.
    private func deleteEnvironment() throws(ProjectionError) {
        for file in ["data.mdb", "lock.mdb"] {
            let path = environmentDirectory + "/" + file
            guard unlink(path) == 0 || errno == ENOENT else {
                throw ProjectionError.storage("cannot delete \(path): errno \(errno)")
            }
        }
        Self.sync(directory: environmentDirectory)
    }

    /// Writes this process's marker and flushes it and its directory entry before any unflushed write.
    private func place() throws(ProjectionError) {
        let path = directory + "/" + ownName
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ProjectionError.storage("cannot create \(path): errno \(errno)") }
        let flushed = fsync(descriptor) == 0
        close(descriptor)
        guard flushed, Self.sync(directory: directory) else {
            throw ProjectionError.storage("cannot flush \(path): errno \(errno)")
        }
    }

    /// Flushes a directory, so entries created or removed in it are durable.
    @discardableResult
    private static func sync(directory: String) -> Bool {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return fsync(descriptor) == 0
    }
}
