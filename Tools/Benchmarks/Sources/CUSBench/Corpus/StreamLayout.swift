/// How a corpus spreads its events over streams (ledger.md §5.1). Grouped keeps one stream's index keys
/// together; interleaved scatters every consecutive event to another stream, the worst case for `streams`.
enum StreamLayout: Sendable, Hashable, CustomStringConvertible {
    /// A stream's events are consecutive, `eventsPerStream` of them.
    case grouped(eventsPerStream: Int)
    /// Event `i` goes to stream `i mod streamCount`.
    case interleaved(streamCount: Int)

    /// The stream and version of event `index`.
    func place(_ index: Int) -> (stream: Int, version: UInt64) {
        switch self {
        case .grouped(let eventsPerStream): (index / eventsPerStream, UInt64(index % eventsPerStream))
        case .interleaved(let streamCount): (index % streamCount, UInt64(index / streamCount))
        }
    }

    var description: String {
        switch self {
        case .grouped(let eventsPerStream): "grouped (\(eventsPerStream)/stream)"
        case .interleaved(let streamCount): "interleaved (i mod \(Format.grouped(streamCount)))"
        }
    }

    var name: String {
        switch self {
        case .grouped: "grouped"
        case .interleaved: "interleaved"
        }
    }
}

/// A small seeded generator (SplitMix64), so every run and both sides see the same stream and event ids.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
