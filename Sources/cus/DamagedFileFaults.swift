#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// LMDB 0.9 has no page checksums: a damaged page can make a read fault inside liblmdb, or read past the end
/// of the file (ledger.md §6, "corrupted byte"; `Tools/tamper-survey` finds such flips). A command that reads
/// a possibly damaged ledger in order to judge it installs this, so a fault ends the process with exit 1 and
/// a one-line reason instead of a bare crash: the verdict is "not OK", never "OK".
enum DamagedFileFaults {
    static func reportAsNotOK() {
        for fault in [SIGSEGV, SIGBUS] {
            // Only async-signal-safe calls: a constant message, write(2), _exit(2).
            signal(fault) { number in
                let message: StaticString =
                    number == SIGBUS
                    ? "NOT OK: reading the ledger faulted (SIGBUS): the data file is damaged or truncated\n"
                    : "NOT OK: reading the ledger faulted (SIGSEGV): the data file is damaged\n"
                _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
                _exit(1)
            }
        }
    }
}
