public import Ledger

/// The backends the conformance suite runs against (`@Test(arguments: LedgerBackend.allCases)`).
public enum LedgerBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case lmdb
    case inMemory

    public var description: String { rawValue }

    /// Runs `body` with a fresh, empty store and closes it afterwards.
    public func withStore<R>(clock: LedgerClock = .system, _ body: (any EventStore) async throws -> R) async throws -> R
    {
        switch self {
        case .inMemory:
            let store = InMemoryLedger(clock: clock)
            defer { store.close() }
            return try await body(store)
        case .lmdb:
            return try await TemporaryDirectory.with { directory in
                let ledger = try Ledger(
                    Ledger.Options(dataDirectory: directory.path + "/data", initialMapSizeBytes: 64 << 20, clock: clock)
                )
                defer { ledger.close() }
                return try await body(ledger)
            }
        }
    }
}

/// Small builders for events and streams in tests.
public enum Fixtures {
    public static func stream(_ category: String = "test") -> StreamID {
        guard let category = try? Category(category) else {
            preconditionFailure("test category \(category) is invalid")
        }
        return StreamID(category: category, id: .random())
    }

    public static func eventType(_ name: String) -> EventType {
        guard let type = try? EventType(name) else { preconditionFailure("test event type \(name) is invalid") }
        return type
    }

    public static func event(
        _ type: String = "TestHappened", payload: [UInt8] = Array("{\"n\":1}".utf8), id: EventID = EventID(.random()),
        sealed: SealedPart? = nil
    ) -> NewEvent {
        NewEvent(
            id: id, type: eventType(type), schemaVersion: 1, payload: payload, sealed: sealed,
            metadata: EventMetadata(actor: "staff:test", correlationID: .random(), causationID: nil))
    }

    public static func events(_ count: Int, type: String = "TestHappened") -> [NewEvent] {
        (0..<count).map { index in event(type, payload: Array("{\"n\":\(index)}".utf8)) }
    }
}
