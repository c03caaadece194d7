/// What the ledger already holds under an event id: enough to resolve a retry (ledger.md G4).
package struct RecordedIdentity: Sendable, Equatable {
    package let position: Position
    package let stream: StreamID
    package let version: StreamVersion
    package let type: EventType

    package init(position: Position, stream: StreamID, version: StreamVersion, type: EventType) {
        self.position = position
        self.stream = stream
        self.version = version
        self.type = type
    }
}

/// G4's table, resolved before the expected-version check. Shared by every backend.
package enum Idempotency {
    package enum Verdict {
        case fresh
        case alreadyRecorded([AppendResult])
        case rejected(LedgerError)
    }

    package static func classify(_ request: PreparedAppend, lookup: (EventID) throws -> RecordedIdentity?) throws
        -> Verdict
    {
        var recorded: [[RecordedIdentity]] = []
        var foundCount = 0
        for part in request.parts {
            var found: [RecordedIdentity] = []
            for (index, id) in part.eventIDs.enumerated() {
                guard let identity = try lookup(id) else { continue }
                if identity.stream != part.stream || identity.type != part.types[index] {
                    return .rejected(
                        LedgerError(
                            .idempotencyConflict,
                            "event id \(id) is recorded at position \(identity.position) in \(identity.stream) as "
                                + "\(identity.type)", details: .eventID(id)))
                }
                found.append(identity)
            }
            foundCount += found.count
            recorded.append(found)
        }
        if foundCount == 0 { return .fresh }
        if foundCount < request.eventCount {
            return .rejected(
                LedgerError(
                    .partialDuplicate,
                    "\(foundCount) of the \(request.eventCount) event ids are already recorded; resend the original "
                        + "request unchanged"))
        }
        var results: [AppendResult] = []
        for (part, identities) in zip(request.parts, recorded) {
            guard let first = identities.first, let last = identities.last else { continue }
            let contiguous = identities.enumerated().allSatisfy { offset, identity in
                identity.position.rawValue == first.position.rawValue + UInt64(offset)
                    && identity.version.rawValue == first.version.rawValue + UInt64(offset)
            }
            guard contiguous else {
                return .rejected(
                    LedgerError(
                        .idempotencyConflict, "the event ids of \(part.stream) are recorded in another order",
                        details: .eventID(part.eventIDs[0])))
            }
            results.append(
                AppendResult(
                    stream: part.stream, firstPosition: first.position, lastPosition: last.position,
                    streamVersion: last.version, wasAlreadyRecorded: true))
        }
        return .alreadyRecorded(results)
    }

    /// G3: the version check, after idempotency found nothing recorded.
    package static func checkExpectedVersions(
        _ request: PreparedAppend, currentVersion: (StreamID) throws -> StreamVersion?
    ) throws -> LedgerError? {
        for part in request.parts {
            let actual = try currentVersion(part.stream)
            if !part.expectedVersion.admits(actual) {
                return LedgerError(
                    .wrongExpectedVersion,
                    "\(part.stream) expected \(part.expectedVersion), actual "
                        + (actual.map { "version \($0)" } ?? "no stream"),
                    details: .wrongExpectedVersion(stream: part.stream, expected: part.expectedVersion, actual: actual))
            }
        }
        return nil
    }
}
