#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes from the operating system's CSPRNG, one system call per request of up to 256 bytes: `getrandom(2)` on
/// Linux (the source `SystemRandomNumberGenerator` reads too, but it asks for eight bytes a call, and
/// `UInt8.random` asks once per byte: a ChaCha20 nonce cost twelve calls). Used where keys, nonces and key ids are
/// made for each command.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
    }

    /// Fills `buffer` with `getentropy(3)` (glibc's `getrandom` wrapper, at most 256 bytes a call), or
    /// `arc4random_buf` on Darwin. A source that fails falls back to `SystemRandomNumberGenerator`, which stops the
    /// process rather than hand out predictable bytes.
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        #if canImport(Darwin)
            arc4random_buf(base, buffer.count)
        #else
            var filled = 0
            while filled < buffer.count {
                let chunk = min(buffer.count - filled, 256)
                guard getentropy(base + filled, chunk) == 0 else {
                    var generator = SystemRandomNumberGenerator()
                    for index in filled..<buffer.count {
                        buffer[index] = UInt8.random(in: .min ... .max, using: &generator)
                    }
                    return
                }
                filled += chunk
            }
        #endif
    }
}
