#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file line by line (`\n`-terminated) in 1 MiB chunks, without loading it whole.
final class LineReader {
    static let lineBytesMax = 1 << 20
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    let path: String

    init(path: String) throws(LedgerError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LedgerError(.invalidArgument, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    /// The next line without its newline; nil at the end. A last line without `\n` is still returned.
    func next() throws(LedgerError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return buffer[start..<newline]
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return buffer[start...]
            }
            guard buffer.count - start <= Self.lineBytesMax else {
                throw LedgerError(.limitExceeded, "\(path) has a line over \(Self.lineBytesMax) bytes")
            }
            try refill()
        }
    }

    private func refill() throws(LedgerError) {
        buffer.removeFirst(start)
        start = 0
        let chunk = 1 << 20
        let previous = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        let count = buffer.withUnsafeMutableBytes { bytes in
            read(descriptor, bytes.baseAddress.map { $0 + previous }, chunk)
        }
        guard count >= 0 else {
            throw LedgerError(.storage, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        buffer.removeLast(chunk - count)
        if count == 0 { atEnd = true }
    }

    func forEachLine(_ body: (ArraySlice<UInt8>) throws -> Void) throws {
        while let line = try next() { try body(line) }
    }
}
