import Domain
import Testing

@Suite("StableNames: a payload's enum name matched by its bytes")
struct StableNamesTests {
    enum Sample: String, StableName {
        case a, operator_ = "operator", operators, coordinator, coordinatorX, communityOrganiser
        case servicesOrganiser

        static let names = StableNames<Self>()
    }

    static func lookUp(_ name: String) -> Sample? {
        Array(name.utf8).withUnsafeBytes { Sample.names.value(named: $0) }
    }

    @Test("Every case is found by its own name, short or over eight bytes")
    func everyCase() {
        for value in Sample.allCases { #expect(Self.lookUp(value.rawValue) == value) }
        for value in ActorRole.allCases {
            #expect(Array(value.rawValue.utf8).withUnsafeBytes { ActorRole.names.value(named: $0) } == value)
        }
    }

    @Test("Prefixes, extensions, a changed byte past the eighth, other case and empty names match nothing")
    func nearMisses() {
        for name in ["", "operato", "operatorss", "coordinatoR", "coordinatorY", "communityOrganisex", "A", "a "] {
            #expect(Self.lookUp(name) == nil, "\(name)")
        }
    }

    @Test("A payload naming an unknown case is a typed error that names the type and the name")
    func unknownInPayload() throws {
        var writer = PayloadWriter(capacity: 16)
        writer.write(string: "operatorz")
        var reader = PayloadReader(writer.bytes)
        #expect(throws: PayloadCodingError.unknownEnumCase(at: 0, type: "Sample", name: "operatorz")) {
            _ = try Sample(from: &reader)
        }
    }
}
