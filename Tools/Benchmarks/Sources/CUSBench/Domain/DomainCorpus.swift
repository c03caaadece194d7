import Domain
import Foundation
import Ledger

/// The domain benchmarks' events, each a pure function of its index: every current catalogue type in turn
/// (`DomainEvent.samples`), each in `variantsPerType` versions whose ids, dates, instants, integers and free
/// strings differ (derived once from the sample's JSON form, see `SampleVariation`), and a fresh
/// `EventContext` per event (instant, actor role, rule set, programme version, command id, and a command hash
/// on every third event, as on a command's first event).
struct DomainCorpus: Sendable {
    /// One catalogue type: what the ledger record carries beside the clear part.
    struct Kind: Sendable {
        let eventType: String
        let schemaVersion: UInt16
        let category: String
    }

    let kinds: [Kind]
    let variantsPerType: Int
    /// String and integer fields changed per variant, of all such fields in the samples (the rest are enum
    /// names and other values that only decode as they are).
    let variedFields: Int
    let fields: Int
    /// `variants[kind][variant]`; variant 0 is the sample itself.
    private let variants: [[DomainEvent]]
    private let seed: UInt64
    private static let startMicroseconds: Int64 = 1_767_225_600_000_000  // 2026-01-01T00:00Z
    private static let roles: [ActorRole] = [.intakeClerk, .coordinator, .director, .servicesOrganiser, .system]

    init(variantsPerType: Int, seed: UInt64 = 0xD0_3A17) throws {
        precondition(variantsPerType >= 1)
        self.variantsPerType = variantsPerType
        self.seed = seed
        var kinds: [Kind] = []
        var variants: [[DomainEvent]] = []
        var (varied, fields) = (0, 0)
        for sample in DomainEvent.samples {
            kinds.append(
                Kind(eventType: sample.eventType, schemaVersion: sample.schemaVersion, category: sample.category))
            let variation = try SampleVariation(sample)
            varied += variation.variedLeaves
            fields += variation.leaves
            variants.append(try (0..<variantsPerType).map { variant in try variation.event(variant: variant) })
        }
        self.kinds = kinds
        self.variants = variants
        variedFields = varied
        self.fields = fields
    }

    func kindIndex(_ index: Int) -> Int { index % kinds.count }

    func event(_ index: Int) -> DomainEvent {
        variants[index % kinds.count][(index / kinds.count) % variantsPerType]
    }

    func context(_ index: Int) -> EventContext {
        var generator = SplitMix64(seed: seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
        return EventContext(
            occurredAt: Instant(
                microsecondsSinceEpoch: Self.startMicroseconds + Int64(index) * 2_345_678
                    + Int64(generator.next() % 1_000_000)),
            actorRole: Self.roles[index % Self.roles.count],
            ruleSetVersion: "cus-statutory/\(2026 + index % 3).\(1 + index % 4)",
            programmeVersion: index % 4 == 0 ? nil : UInt64(1 + index % 9),
            commandId: .random(using: &generator),
            commandHash: index % 3 == 0 ? Self.hex64(using: &generator) : nil)
    }

    func encoded(_ index: Int) -> EncodedEvent { EventCodec.encode(event(index), context: context(index)) }

    static func hex64(using generator: inout SplitMix64) -> String {
        (0..<4).map { _ in
            let hex = String(generator.next(), radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

extension UUID {
    /// A version 4 UUID from a seeded generator.
    static func random(using generator: inout SplitMix64) -> UUID {
        let (high, low) = (generator.next() & ~0xF000 | 0x4000, generator.next() & ~(3 << 62) | (2 << 62))
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { bytes in
            bytes.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
            bytes.storeBytes(of: low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        return UUID(uuid: value)
    }
}
