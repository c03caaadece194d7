#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where an event sits in the whole ledger: dense, gap-free, from 0. Also its Merkle leaf index.
public struct Position: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static let zero = Position(0)
    public var next: Position { Position(rawValue + 1) }
    public static func < (a: Position, b: Position) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// The version of one event within its stream: dense from 0. A distinct type, so it never mixes with `Position`.
public struct StreamVersion: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static let first = StreamVersion(0)
    public var next: StreamVersion { StreamVersion(rawValue + 1) }
    public static func < (a: StreamVersion, b: StreamVersion) -> Bool { a.rawValue < b.rawValue }
    public var description: String { String(rawValue) }
}

/// What the caller believes about a stream before appending to it (ledger.md G3).
public enum ExpectedVersion: Hashable, Sendable, CustomStringConvertible {
    /// No check: ops tooling and append-only logs such as the access log.
    case any
    /// This append creates the stream.
    case noStream
    case streamExists
    /// The stream's last event has this version (what `Commands` passes after loading state).
    case exact(StreamVersion)

    public func admits(_ actual: StreamVersion?) -> Bool {
        switch self {
        case .any: true
        case .noStream: actual == nil
        case .streamExists: actual != nil
        case .exact(let version): actual == version
        }
    }

    public var description: String {
        switch self {
        case .any: "any"
        case .noStream: "no stream"
        case .streamExists: "stream exists"
        case .exact(let version): "version \(version)"
        }
    }
}

/// Microseconds since 1970-01-01T00:00Z; the writer stamps `recordedAt` with it. Informational only: order is
/// by position, and the clock may run backwards (ledger.md §6).
public struct Timestamp: RawRepresentable, Hashable, Comparable, Sendable {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(microseconds: Int64) { self.rawValue = microseconds }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.rawValue < b.rawValue }
}

/// Where `recordedAt` comes from; injected so tests can move time, including backwards.
public struct LedgerClock: Sendable {
    public let now: @Sendable () -> Timestamp
    public init(now: @escaping @Sendable () -> Timestamp) { self.now = now }

    public static let system = LedgerClock {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000)
    }
}
