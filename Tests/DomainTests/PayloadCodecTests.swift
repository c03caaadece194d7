import Domain
import Foundation
import Testing

@Suite("Payload codec (Schemas/payload-codec.md)")
struct PayloadCodecTests {
    static let context = EventContext(
        occurredAt: Instant(microsecondsSinceEpoch: 1_741_000_000_000_000), actorRole: .coordinator,
        ruleSetVersion: "cus-act/2020-01-01.1", programmeVersion: 2, commandId: DomainSamples.uuid,
        commandHash: String(repeating: "0f", count: 32))

    @Test(
        "Every current event type round-trips through its binary form, clear and personal parts",
        arguments: DomainEvent.samples)
    func binaryRoundTrip(event: DomainEvent) throws {
        let encoded = EventCodec.encode(event, context: Self.context)
        #expect(encoded.eventType == event.eventType)
        let decoded = try EventCodec.decode(
            eventType: encoded.eventType, schemaVersion: encoded.schemaVersion, clear: encoded.clear)
        #expect(decoded.context == Self.context)
        var restored = decoded.event
        if let plaintext = encoded.personalPlaintext {
            restored = try EventCodec.attachPersonal(plaintext, to: restored)
        }
        #expect(restored == event)
        #expect(EventCodec.encode(restored, context: Self.context) == encoded)
    }

    @Test("Every current event type round-trips through its JSON form", arguments: DomainEvent.samples)
    func jsonRoundTrip(event: DomainEvent) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try EventCodec.clearJSON(event, context: Self.context, encoder: encoder)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let eventData = try JSONSerialization.data(withJSONObject: try #require(object["event"]))
        var decoded = try DomainEvent.decodeJSON(eventType: event.eventType, from: eventData, decoder: JSONDecoder())
        if let personal = try EventCodec.personalJSON(event, encoder: encoder) {
            #expect(!String(decoding: data, as: UTF8.self).contains(String(decoding: personal, as: UTF8.self)))
            let plaintext = EventCodec.encode(event, context: Self.context).personalPlaintext ?? []
            decoded = try EventCodec.attachPersonal(plaintext, to: decoded)
        }
        #expect(decoded == event)
    }

    @Test("Samples satisfy their own field checks", arguments: DomainEvent.samples)
    func samplesAreValid(event: DomainEvent) {
        #expect(event.payload.violations.isEmpty)
    }

    @Test("Truncated, padded and garbled payloads are typed errors")
    func malformedPayloadsAreRejected() throws {
        for event in DomainEvent.samples {
            let encoded = EventCodec.encode(event, context: Self.context)
            for cut in [0, 1, encoded.clear.count / 2, encoded.clear.count - 1] {
                #expect(throws: PayloadCodingError.self) {
                    _ = try EventCodec.decode(
                        eventType: encoded.eventType, schemaVersion: encoded.schemaVersion,
                        clear: Array(encoded.clear.prefix(cut)))
                }
            }
            #expect(throws: PayloadCodingError.trailingBytes(count: 1)) {
                _ = try EventCodec.decode(
                    eventType: encoded.eventType, schemaVersion: encoded.schemaVersion, clear: encoded.clear + [0])
            }
        }
        #expect(throws: PayloadCodingError.unknownEventType("NoSuchEvent", schemaVersion: 1)) {
            _ = try EventCodec.decode(eventType: "NoSuchEvent", schemaVersion: 1, clear: [])
        }
        #expect(throws: PayloadCodingError.unknownEventType("PersonRegistered", schemaVersion: 9)) {
            _ = try EventCodec.decode(eventType: "PersonRegistered", schemaVersion: 9, clear: [])
        }
    }

    @Test(
        "The replay decode agrees with the full decode on every sample, cut and garbled byte",
        arguments: DomainEvent.samples)
    func replayDecodeAgrees(event: DomainEvent) throws {
        let encoded = EventCodec.encode(event, context: Self.context)
        let index = try #require(EventTypeIndex.shared.index(of: encoded.eventType))
        #expect(EventTypeIndex.shared.names[index] == encoded.eventType)
        func outcomes(_ clear: [UInt8]) -> (full: String, replay: String) {
            let full = Result { () throws(PayloadCodingError) in
                try EventCodec.decode(eventType: encoded.eventType, schemaVersion: encoded.schemaVersion, clear: clear)
            }.map { "\(EventContext.Summary($0.context)) \($0.event)" }
            let replay = clear.withUnsafeBytes { bytes in
                Result { () throws(PayloadCodingError) in
                    try EventCodec.decodeSummary(typeIndex: index, schemaVersion: encoded.schemaVersion, clear: bytes)
                }.map { "\($0.context) \($0.event)" }
            }
            return ("\(full)", "\(replay)")
        }
        let whole = outcomes(encoded.clear)
        #expect(whole.full == whole.replay && whole.full.hasPrefix("success"))
        for cut in 0..<encoded.clear.count {
            let cutShort = outcomes(Array(encoded.clear.prefix(cut)))
            #expect(cutShort.full == cutShort.replay && cutShort.full.hasPrefix("failure"), "cut at \(cut)")
        }
        for offset in encoded.clear.indices {
            var garbled = encoded.clear
            garbled[offset] ^= 0xA5
            let outcome = outcomes(garbled)
            #expect(outcome.full == outcome.replay, "byte \(offset) garbled")
        }
        #expect(throws: PayloadCodingError.unknownEventType(encoded.eventType, schemaVersion: 99)) {
            _ = try encoded.clear.withUnsafeBytes { bytes in
                try EventCodec.decodeSummary(typeIndex: index, schemaVersion: 99, clear: bytes)
            }
        }
    }

    @Test("Event types are found by their bytes; unknown names, prefixes and extensions are not")
    func eventTypeIndexFindsExactNames() {
        let types = EventTypeIndex.shared
        #expect(types.count == DomainEvent.registry.count)
        for (name, _) in DomainEvent.registry {
            #expect(types.index(of: name).map { types.names[$0] } == name)
            #expect(types.index(of: String(name.dropLast())) == nil)
            #expect(types.index(of: name + "s") == nil)
        }
        for unknown in ["", "P", "ledger.SeedEvent", "PlanApproved.v2", "planapproved"] {
            #expect(types.index(of: unknown) == nil, "\(unknown)")
        }
    }

    @Test("Identifiers order as their lowercase text does, without formatting it")
    func identifierOrderIsTextOrder() {
        var generator = SystemRandomNumberGenerator()
        let ids = (0..<200).map { _ in
            PlanID(
                uuid: UUID(
                    uuid: withUnsafeBytes(of: (generator.next() as UInt64, generator.next() as UInt64)) {
                        $0.loadUnaligned(as: uuid_t.self)
                    }))
        }
        for (left, right) in zip(ids, ids.shuffled()) {
            #expect((left < right) == (left.description < right.description))
        }
        #expect(!(ids[0] < ids[0]))
    }

    @Test("Varints use the shortest form only and stay within 64 bits")
    func varintsAreCanonical() {
        var overlong = PayloadReader([0x80, 0x00])
        #expect(throws: PayloadCodingError.malformedVarint(at: 1)) { _ = try overlong.readUnsigned() }
        var tooWide = PayloadReader(Array(repeating: 0xFF, count: 10) + [0x01])
        #expect(throws: PayloadCodingError.self) { _ = try tooWide.readUnsigned() }
        for value: UInt64 in [0, 1, 127, 128, 300, UInt64.max] {
            var writer = PayloadWriter()
            writer.write(unsigned: value)
            var reader = PayloadReader(writer.bytes)
            #expect((try? reader.readUnsigned()) == value)
        }
        for value: Int64 in [0, -1, 1, Int64.min, Int64.max] {
            var writer = PayloadWriter()
            writer.write(signed: value)
            var reader = PayloadReader(writer.bytes)
            #expect((try? reader.readSigned()) == value)
        }
    }

    @Test("An unknown enum name, a bad presence byte and invalid UTF-8 are rejected")
    func badValuesAreRejected() {
        var writer = PayloadWriter()
        writer.write(string: "neverARole")
        var reader = PayloadReader(writer.bytes)
        #expect(throws: PayloadCodingError.unknownEnumCase(at: 0, type: "ActorRole", name: "neverARole")) {
            _ = try reader.read(ActorRole.self)
        }
        var presence = PayloadReader([2])
        #expect(throws: PayloadCodingError.invalidValue(at: 0, "a presence byte is 0 or 1")) {
            _ = try presence.readOptional(String.self)
        }
        var utf8 = PayloadReader([2, 0xC3, 0x28])
        #expect(throws: PayloadCodingError.invalidUTF8(at: 0)) { _ = try utf8.readString() }
        var hugeArray = PayloadReader([0xFF, 0xFF, 0x03])
        #expect(throws: PayloadCodingError.lengthOverLimit(at: 0)) { _ = try hugeArray.readArray(String.self) }
    }

    @Test("A v1 ConsentGranted record still replays, upcast to v2 as a written consent")
    func consentGrantedV1IsUpcast() throws {
        let v1 = ConsentGrantedV1(
            personRef: PersonRef(uuid: DomainSamples.uuid), consentId: ConsentID(uuid: DomainSamples.uuid),
            purpose: .forwardApplication, scope: "application to the housing department")
        var writer = PayloadWriter()
        Self.context.encode(to: &writer)
        v1.encode(to: &writer)
        let decoded = try EventCodec.decode(eventType: "ConsentGranted", schemaVersion: 1, clear: writer.bytes)
        guard case .consentGranted(let consent) = decoded.event else {
            Issue.record("expected ConsentGranted, got \(decoded.event.eventType)")
            return
        }
        #expect(consent.medium == .written)
        #expect(consent.purpose == .forwardApplication)
        #expect(consent.scope == "application to the housing department")
        #expect(decoded.event.schemaVersion == 2)
        #expect(DomainEvent.registry["ConsentGranted"]?.readable == [1, 2])
    }

    @Test("A UUID is its 16 bytes in order, read back whole")
    func uuidBytes() throws {
        #expect(MemoryLayout<UUID>.size == 16 && MemoryLayout<UUID>.stride == 16)
        for _ in 0..<100 {
            let uuid = UUID()
            var writer = PayloadWriter()
            uuid.encode(to: &writer)
            #expect(writer.bytes == withUnsafeBytes(of: uuid.uuid) { Array($0) })
            var reader = PayloadReader([0x7F] + writer.bytes)
            _ = try reader.readByte()
            #expect(try UUID(from: &reader) == uuid, "read at an odd offset")
            #expect(throws: PayloadCodingError.truncated(at: 1)) {
                var short = PayloadReader([0x7F] + writer.bytes.dropLast())
                _ = try short.readByte()
                _ = try UUID(from: &short)
            }
        }
    }

    @Test("Every type and version this release reads replays to the same event as the full decode")
    func everyReadableVersionReplays() throws {
        let payloads = DomainEvent.samples.map(\.payload) + DomainEvent.olderVersionSamples
        #expect(payloads.count == DomainEvent.registry.values.map(\.readable.count).reduce(0, +))
        for payload in payloads {
            let eventType = type(of: payload).eventType
            let schemaVersion = type(of: payload).schemaVersion
            var writer = PayloadWriter()
            Self.context.encode(to: &writer)
            payload.encode(to: &writer)
            let clear = writer.bytes
            let full = try EventCodec.decode(eventType: eventType, schemaVersion: schemaVersion, clear: clear)
            let index = try #require(EventTypeIndex.shared.index(of: eventType))
            let replayed = try clear.withUnsafeBytes { bytes in
                try EventCodec.decodeSummary(typeIndex: index, schemaVersion: schemaVersion, clear: bytes)
            }
            #expect(replayed.event == full.event, "\(eventType) v\(schemaVersion)")
            #expect(replayed.event.eventType == eventType, "\(eventType) v\(schemaVersion)")
        }
    }

    @Test("Field checks name the field and the limit")
    func violationsNameTheField() {
        var adopted = ProgrammeAdopted.sample
        adopted.title = ""
        adopted.targetGroups = ["ok", "not a code!"]
        adopted.contentHash = "XYZ"
        let paths = DomainEvent.programmeAdopted(adopted).payload.violations.map(\.path)
        #expect(paths == [".title", ".targetGroups[1]", ".contentHash"])
    }
}

@Suite("Dates and instants")
struct DateTests {
    @Test("Dates parse, print and count months as plans do")
    func dates() throws {
        let start = try #require(LocalDate("2025-04-01"))
        let end = try #require(LocalDate("2025-06-30"))
        #expect(start.months(through: end) == 3)
        #expect(start.months(through: try #require(LocalDate("2025-07-01"))) == 4)
        #expect(start.description == "2025-04-01")
        #expect(LocalDate("2025-02-29") == nil)
        #expect(LocalDate("2024-02-29") != nil)
        #expect(try #require(LocalDate("2025-01-31")).adding(months: 1) == LocalDate("2025-02-28"))
        #expect(start.days(to: end) == 90)
    }

    @Test("Business dates are taken in Europe/Warsaw, across both DST switches")
    func warsawLocalDates() throws {
        // 2025-03-30 00:30 UTC is 01:30 CET; 2025-03-29 23:30 UTC is already 2025-03-30 in Warsaw.
        #expect(try #require(Instant(rfc3339: "2025-03-29T23:30:00Z")).localDate == LocalDate("2025-03-30"))
        // Summer: 22:30 UTC is 00:30 CEST the next day.
        #expect(try #require(Instant(rfc3339: "2025-07-01T22:30:00Z")).localDate == LocalDate("2025-07-02"))
        #expect(try #require(Instant(rfc3339: "2025-07-01T21:59:59Z")).localDate == LocalDate("2025-07-01"))
        // Winter: 23:00 UTC is midnight CET.
        #expect(try #require(Instant(rfc3339: "2025-12-31T23:00:00Z")).localDate == LocalDate("2026-01-01"))
        let midnight = Instant(startOf: try #require(LocalDate("2025-07-02")))
        #expect(midnight.rfc3339 == "2025-07-01T22:00:00.000000Z")
        #expect(Instant(rfc3339: "2025-07-01T22:00:00.5+02:00")?.rfc3339 == "2025-07-01T20:00:00.500000Z")
        #expect(Instant(rfc3339: "2025-07-01 22:00:00Z") == nil)
    }
}
