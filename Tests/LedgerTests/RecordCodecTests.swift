import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("Record format v1 (ledger.md §3.1)")
struct RecordCodecTests {
    static let stream = StreamID(
        category: Fixtures.stream("plan").category, id: UUID128(high: 0x0123_4567_89AB_4DEF, low: 0x8123_4567_89AB_CDEF)
    )

    static func record(sealed: Bool = false, position: UInt64 = 42) -> [UInt8] {
        let sealedPart = SealedPart(
            keyID: UUID128(high: 1, low: 2), algorithm: .aesGCM, nonce: Array(0..<12),
            ciphertextAndTag: Array(repeating: 0xAB, count: 20))
        let event = Fixtures.event("PlanApproved", payload: Array("{\"a\":1}".utf8), sealed: sealed ? sealedPart : nil)
        return RecordEncoder.encode(
            event, stream: stream, version: StreamVersion(3), position: Position(position),
            recordedAt: Timestamp(microseconds: 1_732_000_000_000_000))
    }

    private func violation(_ bytes: [UInt8], position: UInt64? = 42) -> RecordViolation? {
        do {
            _ = try RecordDecoder.decode(bytes, expectedPosition: position.map { Position($0) })
            return nil
        } catch {
            guard case .record(_, let violation)? = error.details else { return nil }
            #expect(error.code == .corrupted)
            return violation
        }
    }

    @Test("Decoding then re-encoding gives identical bytes", arguments: [false, true])
    func roundTrip(sealed: Bool) throws {
        let bytes = Self.record(sealed: sealed)
        let event = try RecordDecoder.decode(bytes, expectedPosition: Position(42))
        #expect(event.stream == Self.stream && event.version == StreamVersion(3) && event.position == Position(42))
        #expect((event.sealed != nil) == sealed)
        let again = RecordEncoder.encode(
            NewEvent(
                id: event.id, type: event.type, schemaVersion: event.schemaVersion, payload: Array(event.payload),
                sealed: event.sealed, metadata: event.metadata),
            stream: event.stream, version: event.version, position: event.position, recordedAt: event.recordedAt)
        #expect(again == bytes)
    }

    @Test("Random events round-trip byte for byte")
    func randomRoundTrips() throws {
        var generator = SeededGenerator(seed: 0xC05_1ED6E8)
        for _ in 0..<500 {
            let payload = (0..<Int.random(in: 0...600, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            let actor = String(
                (0..<Int.random(in: 0...20, using: &generator)).map { _ in "ąbćż:x".randomElement(using: &generator)! })
            var event = Fixtures.event(payload: payload)
            event.metadata.actor = String(actor.utf8.prefix(64)) ?? ""
            event.metadata.causationID = Bool.random(using: &generator) ? .random() : nil
            let stream = StreamID(
                category: try Category("c_\(Int.random(in: 0...99, using: &generator))"), id: .random())
            let position = Position(UInt64.random(in: 0...UInt64.max, using: &generator))
            let bytes = RecordEncoder.encode(
                event, stream: stream, version: StreamVersion(UInt64.random(in: 0...1000, using: &generator)),
                position: position,
                recordedAt: Timestamp(microseconds: Int64.random(in: .min ... .max, using: &generator)))
            let decoded = try RecordDecoder.decode(bytes, expectedPosition: position)
            #expect(
                decoded.payload == Payload(payload) && decoded.metadata == event.metadata && decoded.stream == stream)
        }
    }

    @Test("Unknown format versions are rejected")
    func formatVersion() {
        var bytes = Self.record()
        bytes[1] = 2
        #expect(violation(bytes) == .unsupportedFormatVersion(2))
    }

    @Test("Unknown flag bits are rejected")
    func flags() {
        var bytes = Self.record()
        bytes[2] = 0x02
        #expect(violation(bytes) == .unknownFlags(0x02))
    }

    @Test("A position field that differs from its key is rejected")
    func position() {
        #expect(
            violation(Self.record(), position: 41) == .positionMismatch(expected: Position(41), found: Position(42)))
    }

    @Test("Schema version 0 is rejected")
    func schemaVersion() {
        var bytes = Self.record()
        bytes[91] = 0
        bytes[92] = 0
        #expect(violation(bytes) == .zeroSchemaVersion)
    }

    @Test("Category and type lengths and alphabets are enforced")
    func names() {
        var empty = Self.record()
        empty[93] = 0
        #expect(violation(empty) == .lengthOutOfRange(field: "category", length: 0))
        var long = Self.record()
        long[93] = 33
        #expect(violation(long) == .lengthOutOfRange(field: "category", length: 33))
        var upper = Self.record()
        upper[94] = UInt8(ascii: "P")
        #expect(violation(upper) == .invalidCharacters(field: "category"))
        var badType = Self.record()
        badType[99] = UInt8(ascii: "-")  // 93: len, 94…97 "plan", 98: type len, 99: first type byte
        #expect(violation(badType) == .invalidCharacters(field: "eventType"))
    }

    @Test("An actor that is not UTF-8 is rejected")
    func actorEncoding() {
        var bytes = Self.record()
        let actorStart = 93 + 1 + 4 + 1 + "PlanApproved".utf8.count + 1
        bytes[actorStart] = 0xFF
        #expect(violation(bytes) == .invalidCharacters(field: "actor"))
    }

    @Test("Unknown AEAD values are rejected")
    func aead() {
        var bytes = Self.record(sealed: true)
        let aeadOffset = bytes.count - (4 + 20) - 12 - 1
        #expect(bytes[aeadOffset] == 2)
        bytes[aeadOffset] = 3
        #expect(violation(bytes) == .unknownAEAD(3))
    }

    @Test("Missing and trailing bytes are rejected at every length")
    func lengths() {
        let bytes = Self.record(sealed: true)
        for cut in 0..<bytes.count {
            #expect(violation(Array(bytes[0..<cut])) != nil, "cut at \(cut)")
        }
        #expect(violation(bytes + [0]) == .trailingBytes(count: 1))
    }

    @Test("Payload and sealed lengths beyond their limits are rejected")
    func longLengths() {
        var bytes = Self.record()
        let payloadLengthOffset = bytes.count - 4 - "{\"a\":1}".utf8.count
        bytes.replaceSubrange(payloadLengthOffset..<(payloadLengthOffset + 4), with: [0, 1, 0, 1])
        #expect(violation(bytes) == .lengthOutOfRange(field: "payload", length: 65_537))
        var sealed = Self.record(sealed: true)
        let sealedLengthOffset = sealed.count - 4 - 20
        sealed.replaceSubrange(sealedLengthOffset..<(sealedLengthOffset + 4), with: [0, 0, 0, 15])
        #expect(violation(sealed) == .lengthOutOfRange(field: "sealed", length: 15))
    }

    @Test("Event id derivation keeps the command id's time prefix and is stable")
    func derivedIDs() {
        var generator = SeededGenerator(seed: 7)
        let command = UUID128.version7(unixMilliseconds: 1_732_000_000_000, using: &generator)
        let first = EventID.derived(commandID: command, index: 0)
        #expect(first == EventID.derived(commandID: command, index: 0))
        #expect(first != EventID.derived(commandID: command, index: 1))
        #expect(first.rawValue.timePrefix == command.timePrefix)
    }

    @Test("UUID text round-trips and malformed text is refused")
    func uuidText() throws {
        let id = UUID128.random()
        #expect(UUID128(id.description) == id)
        #expect(UUID128("not-a-uuid") == nil)
        #expect(try StreamID("plan-\(id)") == StreamID(category: try Category("plan"), id: id))
        #expect(throws: LedgerError.self) { try StreamID("Plan-\(id)") }
    }

    @Test("UUID text parses only in canonical form, to the bytes Foundation reads from it")
    func uuidTextParsesCanonicalOnly() {
        var generator = SeededGenerator(seed: 13)
        let alphabet = Array("0123456789abcdefABCDEFgG-x+ \0é")
        let canonical = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/
        for round in 0..<5_000 {
            var text = Array(UUID128.random(using: &generator).foundationUUID.uuidString)
            if round % 3 == 0 { text = Array(String(text).lowercased()) }
            for _ in 0..<(round % 4) {
                let index = Int.random(in: text.indices, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: text[index] = alphabet.randomElement(using: &generator) ?? "0"
                case 1: text.remove(at: index)
                default: text.insert(alphabet.randomElement(using: &generator) ?? "0", at: index)
                }
            }
            let string = String(text)
            let parsed = UUID128(string)
            #expect((parsed != nil) == (string.wholeMatch(of: canonical) != nil), "\(string.debugDescription)")
            if let parsed { #expect(parsed.foundationUUID == UUID(uuidString: string)) }
            #expect(UUID128(string.dropFirst(0)) == parsed)
        }
    }

    @Test("UUID text is Foundation's canonical text in lowercase, digit for digit")
    func uuidTextMatchesFoundation() throws {
        var generator = SeededGenerator(seed: 11)
        let edges = [
            UUID128.zero, UUID128(high: .max, low: .max),
            UUID128(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210),
        ]
        for id in edges + (0..<1_000).map({ _ in UUID128.random(using: &generator) }) {
            #expect(id.description == id.foundationUUID.uuidString.lowercased())
            let stream = StreamID(category: try Category("fee_account"), id: id)
            #expect(stream.description == "fee_account-" + id.foundationUUID.uuidString.lowercased())
            #expect(try StreamID(stream.description) == stream)
        }
        #expect(Hex.encode([0x00, 0x09, 0x0A, 0xF0, 0xFF]) == "00090af0ff")
        #expect(Hex.encode([UInt8]()) == "")
    }
}

@Suite("RFC 3339 timestamps")
struct RFC3339Tests {
    @Test("Formats microseconds in UTC, before and after 1970, and never traps at the extremes")
    func formatting() {
        #expect(RFC3339.format(Timestamp(microseconds: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(RFC3339.format(Timestamp(microseconds: 1_732_000_000_123_456)) == "2024-11-19T07:06:40.123456Z")
        #expect(RFC3339.format(Timestamp(microseconds: -1)) == "1969-12-31T23:59:59.999999Z")
        #expect(RFC3339.format(Timestamp(microseconds: 951_782_400_000_000)) == "2000-02-29T00:00:00.000000Z")
        #expect(!RFC3339.format(Timestamp(microseconds: .min)).isEmpty)
        #expect(!RFC3339.format(Timestamp(microseconds: .max)).isEmpty)
    }
}
