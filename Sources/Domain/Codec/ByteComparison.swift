#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension [UInt8] {
    /// Whether `bytes` (read from a record, in place) are exactly these: the length, then one `memcmp`, with no
    /// `String` built. The replay path matches stored names and versions this way.
    func isSame(as bytes: UnsafeRawBufferPointer) -> Bool {
        guard count == bytes.count else { return false }
        return withUnsafeBytes { own in
            guard let left = own.baseAddress, let right = bytes.baseAddress else { return true }
            return memcmp(left, right, bytes.count) == 0
        }
    }
}
