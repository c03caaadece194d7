import Ledger
import LedgerTesting

/// What the simulation expects of an append, decided when it builds the request and checked against the
/// ledger independently of the model (which shares the ledger's idempotency code).
enum AppendIntent: Equatable {
    /// Every part appends at the model's next positions and versions.
    case appends
    /// Every event is recorded already: the original results come back, marked as retries.
    case replays([AppendResult])
    case refused(LedgerError.Code)
}

/// An append with what it should do.
struct PlannedAppend {
    var request: [StreamAppend]
    var intent: AppendIntent
    var eventCount: Int { request.reduce(0) { $0 + $1.events.count } }
}

/// What an append call answered, in a form both backends can be compared by.
enum AppendOutcome: Equatable, CustomStringConvertible {
    case appended([AppendResult])
    case refused(LedgerError.Code)

    static func of(_ store: some EventStore, _ request: [StreamAppend]) async -> AppendOutcome {
        do throws(LedgerError) {
            return .appended(try await store.append(request))
        } catch {
            return .refused(error.code)
        }
    }

    var results: [AppendResult]? {
        if case .appended(let results) = self { results } else { nil }
    }

    var description: String {
        switch self {
        case .appended(let results):
            "appended "
                + results.map { "\($0.stream)@\($0.firstPosition)…\($0.lastPosition) v\($0.streamVersion)" }
                .joined(separator: ", ")
        case .refused(let code): "refused \(code)"
        }
    }
}

/// Builds random append requests from a seeded generator: new and existing streams, every kind of expected
/// version, retries of acknowledged requests, partial duplicates and ids reused elsewhere.
struct RequestPlanner {
    static let categories = ["alpha", "beta", "gamma"].map { Fixtures.stream($0).category }
    static let types = ["Opened", "Noted", "Moved", "Closed"].map(Fixtures.eventType)

    var generator: SplitMix64
    private(set) var streams: [StreamID] = []
    /// Requests that appended, with their results: what retries resend.
    private(set) var acknowledged: [(request: [StreamAppend], results: [AppendResult])] = []

    init(seed: UInt64) { generator = SplitMix64(seed: seed) }

    mutating func remember(_ request: [StreamAppend], appended results: [AppendResult]) {
        guard results.allSatisfy({ !$0.wasAlreadyRecorded }) else { return }
        acknowledged.append((request, results))
    }

    /// A request every check admits; `avoiding` streams stay out of it (a concurrent burst's other requests).
    mutating func fresh(versions: (StreamID) -> StreamVersion?, avoiding: Set<StreamID> = []) -> PlannedAppend {
        var used = avoiding
        var request: [StreamAppend] = []
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let stream = pickStream(avoiding: used)
            used.insert(stream)
            let expected = admittedVersion(for: versions(stream))
            request.append(StreamAppend(stream: stream, expectedVersion: expected, events: newEvents()))
        }
        return PlannedAppend(request: request, intent: .appends)
    }

    /// A request whose last part names a version the stream is not at.
    mutating func wrongVersion(versions: (StreamID) -> StreamVersion?) -> PlannedAppend {
        var planned = fresh(versions: versions)
        let last = planned.request.count - 1
        let actual = versions(planned.request[last].stream)
        planned.request[last].expectedVersion =
            switch actual {
            case nil: Bool.random(using: &generator) ? .streamExists : .exact(.first)
            case let version?:
                Bool.random(using: &generator)
                    ? .noStream : .exact(StreamVersion(version.rawValue + UInt64.random(in: 1...3, using: &generator)))
            }
        planned.intent = .refused(.wrongExpectedVersion)
        return planned
    }

    /// An acknowledged request sent again unchanged, or nil when none is.
    mutating func retry() -> PlannedAppend? {
        guard let original = acknowledged.randomElement(using: &generator) else { return nil }
        return PlannedAppend(request: original.request, intent: .replays(original.results.map(\.asRetry)))
    }

    /// An acknowledged request with one new event added to its first stream.
    mutating func partialDuplicate() -> PlannedAppend? {
        guard var planned = retry() else { return nil }
        planned.request[0].events.append(newEvent())
        planned.intent = .refused(.partialDuplicate)
        return planned
    }

    /// A recorded event id sent again on another, new stream.
    mutating func idempotencyConflict() -> PlannedAppend? {
        guard let original = retry(), let event = original.request.first?.events.first else { return nil }
        let stream = newStream()
        return PlannedAppend(
            request: [StreamAppend(stream: stream, expectedVersion: .any, events: [event])],
            intent: .refused(.idempotencyConflict))
    }

    /// An existing stream not in `used` seven times in ten, else a new one.
    mutating func pickStream(avoiding used: Set<StreamID>) -> StreamID {
        guard Int.random(in: 0..<10, using: &generator) >= 3 else { return newStream() }
        for _ in 0..<4 {
            if let stream = streams.randomElement(using: &generator), !used.contains(stream) { return stream }
        }
        return newStream()
    }

    private mutating func newStream() -> StreamID {
        let category = Self.categories.randomElement(using: &generator) ?? Self.categories[0]
        let stream = StreamID(category: category, id: UUID128.random(using: &generator))
        streams.append(stream)
        return stream
    }

    private mutating func admittedVersion(for actual: StreamVersion?) -> ExpectedVersion {
        let choice = Int.random(in: 0..<3, using: &generator)
        guard let actual else { return choice == 0 ? .any : .noStream }
        return [.any, .streamExists, .exact(actual)][choice]
    }

    private mutating func newEvents() -> [NewEvent] {
        (0..<Int.random(in: 1...4, using: &generator)).map { _ in newEvent() }
    }

    mutating func newEvent() -> NewEvent {
        let type = Self.types.randomElement(using: &generator) ?? Self.types[0]
        let payload = (0..<Int.random(in: 0...96, using: &generator)).map { _ in
            UInt8.random(in: 0...255, using: &generator)
        }
        var sealed: SealedPart?
        if Int.random(in: 0..<5, using: &generator) == 0 {
            sealed = SealedPart(
                keyID: UUID128.random(using: &generator), algorithm: .chaChaPoly,
                nonce: (0..<SealedPart.nonceBytes).map { _ in UInt8.random(in: 0...255, using: &generator) },
                ciphertextAndTag: (0..<Int.random(in: 16...80, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                })
        }
        return NewEvent(
            id: EventID(UUID128.random(using: &generator)), type: type, schemaVersion: 1, payload: payload,
            sealed: sealed,
            metadata: EventMetadata(actor: "staff:sim", correlationID: UUID128.random(using: &generator)))
    }
}
