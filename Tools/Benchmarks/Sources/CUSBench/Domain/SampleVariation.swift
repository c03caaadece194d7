import Domain
import Foundation

/// Variants of one generated sample event for the domain benchmarks. The samples hold one fixed UUID, short
/// `"Sample"` strings and fixed dates; the benchmark needs realistic and varied bytes without hand-writing
/// forty types. So the sample's JSON form (the `event` object) is edited leaf by leaf: UUIDs, dates, instants,
/// 64-hex digests, integers, codes and free text each get a variant-dependent value of the same kind. A leaf
/// is varied only if the edited JSON still decodes as the type (enum case names, for instance, do not), tried
/// once per leaf. Personal fields are not in the JSON form; the sample's are put back on every variant.
struct SampleVariation {
    let leaves: Int
    var variedLeaves: Int { mutable.count }

    private let sample: DomainEvent
    private let tree: JSONValue
    private let mutable: Set<Int>
    private let personal: [UInt8]?
    private let decoder: JSONDecoder

    init(_ sample: DomainEvent) throws {
        self.sample = sample
        let decoder = JSONDecoder()
        self.decoder = decoder
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        tree = try decoder.decode(JSONValue.self, from: try encoder.encode(sample.payload))
        personal = EventCodec.encode(sample, context: .sample).personalPlaintext
        var count = 0
        _ = tree.mapLeaves(counter: &count) { _, leaf in leaf }
        leaves = count
        var mutable = Set<Int>()
        for leaf in 0..<count {
            let candidate = Self.edit(tree, variant: 1, leaves: [leaf])
            if (try? Self.decode(candidate, eventType: sample.eventType, decoder: decoder)) != nil {
                mutable.insert(leaf)
            }
        }
        self.mutable = mutable
    }

    /// Variant 0 is the sample; the others differ in every leaf that can.
    func event(variant: Int) throws -> DomainEvent {
        guard variant > 0 else { return sample }
        let edited = Self.edit(tree, variant: variant, leaves: mutable)
        let event = try Self.decode(edited, eventType: sample.eventType, decoder: decoder)
        guard let personal else { return event }
        return try EventCodec.attachPersonal(personal, to: event)
    }

    private static func decode(_ tree: JSONValue, eventType: String, decoder: JSONDecoder) throws -> DomainEvent {
        try DomainEvent.decodeJSON(eventType: eventType, from: try JSONEncoder().encode(tree), decoder: decoder)
    }

    private static func edit(_ tree: JSONValue, variant: Int, leaves: Set<Int>) -> JSONValue {
        var count = 0
        return tree.mapLeaves(counter: &count) { index, leaf in
            guard leaves.contains(index) else { return leaf }
            var generator = SplitMix64(seed: UInt64(variant) << 20 ^ UInt64(index))
            switch leaf {
            case .string(let text): return .string(vary(text, variant: variant, using: &generator))
            case .integer(let value) where value >= 0: return .integer(value + Int64(variant) * 131 + Int64(index))
            default: return leaf
            }
        }
    }

    private static let texts = [
        "Gminny Ośrodek Pomocy Społecznej", "ul. Długa 17/3, 31-146 Kraków", "wniosek złożony osobiście",
        "Dzienny Dom Senior+", "opieka wytchnieniowa w miejscu zamieszkania", "Anna Kowalczyk-Wiśniewska",
        "Centrum Usług Społecznych w Nowym Targu", "usługi opiekuńcze, 4 h dziennie, dni robocze",
    ]

    private static let codes = ["mops-krk", "cus/opieka", "gops.nt", "senior-plus", "asystent_osobisty", "dps-12"]

    private static func vary(_ text: String, variant: Int, using generator: inout SplitMix64) -> String {
        if text.count == 36, UUID(uuidString: text) != nil {
            return UUID.random(using: &generator).uuidString.lowercased()
        }
        if text.count == 10, let date = LocalDate(text) {
            return LocalDate(daysSinceEpoch: date.daysSinceEpoch + Int64(variant * 37 % 3_650)).description
        }
        if let instant = Instant(rfc3339: text) {
            let shift = Int64(variant) * 86_400_000_000 / 7 + Int64(generator.next() % 1_000_000)
            return Instant(microsecondsSinceEpoch: instant.microsecondsSinceEpoch + shift).rfc3339
        }
        if text.count == 64, text.allSatisfy(\.isHexDigit) { return DomainCorpus.hex64(using: &generator) }
        let codeLike = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._/-".contains($0)) }
        if codeLike && text.contains(where: { $0.isNumber || "._/-".contains($0) }) {
            return codes[Int(generator.next() % UInt64(codes.count))] + "-\(variant)"
        }
        return texts[Int(generator.next() % UInt64(texts.count))] + " \(variant)"
    }
}

/// Editing a sample's JSON form as a tree (`JSONValue` is the Domain module's).
extension JSONValue {
    /// The tree with each string and integer leaf passed through `transform`, numbered in key order.
    func mapLeaves(counter: inout Int, _ transform: (Int, JSONValue) -> JSONValue) -> JSONValue {
        switch self {
        case .string, .integer:
            defer { counter += 1 }
            return transform(counter, self)
        case .null, .bool, .number: return self
        case .array(let values):
            return .array(values.map { $0.mapLeaves(counter: &counter, transform) })
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for key in members.keys.sorted() { result[key] = members[key]?.mapLeaves(counter: &counter, transform) }
            return .object(result)
        }
    }
}
