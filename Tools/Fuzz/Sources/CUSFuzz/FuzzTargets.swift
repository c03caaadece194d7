import Domain
import Foundation
@testable import Ledger

/// One harness per decoder or verifier that takes bytes from outside (ledger.md §6 "Malformed record or proof"):
/// each must answer with a typed error or a value, never crash, hang or read out of bounds (AddressSanitizer).
/// Where a format has an encoder, a successful decode must re-encode to the same bytes.
enum FuzzTarget: String, CaseIterable {
    /// `RecordDecoder` on a record's bytes (Schemas/ledger-record.md).
    case record
    /// `EventCodec.decode` on a clear payload, type chosen by the first byte; decode→encode must be identical.
    case payload
    /// `ExportLineParser` on one line of `cus ledger export` (what `cus ledger import` and
    /// `cus audit verify-export` read).
    case exportLine
    /// `SignedCheckpoint(text:)` and its signature check with the test verifier key.
    case checkpoint
    /// Inclusion and consistency proofs built from the bytes, verified against a root from the bytes.
    case proofs
    /// The proof documents of `cus audit proof` / `consistency` (JSON), parsed and verified.
    case proofDocuments
    /// `DomainEvent.decodeJSON`: the JSON bodies the HTTP commands and the event samples use.
    case eventJSON
    /// `RuleSet.decode(json:)`: rule sets published with `cus rules`.
    case ruleSet

    func run(_ data: UnsafeRawBufferPointer) {
        let bytes = Array(data)
        switch self {
        case .record: _ = try? RecordDecoder.decode(data)
        case .payload: Self.payload(bytes)
        case .exportLine: _ = try? ExportLineParser.record(from: bytes[...], expectedPosition: 0)
        case .checkpoint:
            if let checkpoint = try? SignedCheckpoint(text: String(decoding: bytes, as: UTF8.self)),
                let verifier = FuzzKeys.verifier
            {
                try? checkpoint.verify(with: verifier)
            }
        case .proofs: Self.proofs(bytes)
        case .proofDocuments:
            if let document = try? InclusionProofDocument(json: bytes) {
                _ = try? document.verify(verifier: FuzzKeys.verifier)
            }
            if let document = try? ConsistencyProofDocument(json: bytes) {
                try? document.verify(verifier: FuzzKeys.verifier)
            }
        case .eventJSON:
            guard let type = bytes.first.map({ FuzzKeys.eventTypes[Int($0) % FuzzKeys.eventTypes.count] }) else {
                return
            }
            _ = try? DomainEvent.decodeJSON(eventType: type, from: Data(bytes.dropFirst()), decoder: JSONDecoder())
        case .ruleSet: _ = try? RuleSet.decode(json: bytes)
        }
    }

    private static func payload(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let type = FuzzKeys.eventTypes[Int(first) % FuzzKeys.eventTypes.count]
        let clear = Array(bytes.dropFirst())
        guard let current = DomainEvent.registry[type]?.current,
            let (context, event) = try? EventCodec.decode(eventType: type, schemaVersion: current, clear: clear)
        else { return }
        let encoded = EventCodec.encode(event, context: context)
        if encoded.clear != clear {
            fatalError("\(type): a clear payload decoded but re-encoded to other bytes")
        }
    }

    /// index u64 ‖ size u64 ‖ root[32] ‖ leaf[32] ‖ hashes[32]…: both proof kinds, never a crash.
    private static func proofs(_ bytes: [UInt8]) {
        guard bytes.count >= 80 else { return }
        let first = bytes[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let second = bytes[8..<16].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard let root = MerkleHash(bytes: bytes[16..<48]), let leaf = MerkleHash(bytes: bytes[48..<80]) else { return }
        var hashes: [MerkleHash] = []
        var offset = 80
        while offset + 32 <= bytes.count {
            if let hash = MerkleHash(bytes: bytes[offset..<(offset + 32)]) { hashes.append(hash) }
            offset += 32
        }
        try? InclusionProof(index: first, treeSize: second, hashes: hashes).verify(leafHash: leaf, root: root)
        try? ConsistencyProof(oldSize: first, newSize: second, hashes: hashes).verify(oldRoot: leaf, newRoot: root)
    }
}

enum FuzzKeys {
    /// The published test verifier key (Schemas/vectors/test.vkey).
    static let verifier: NoteVerifier? = {
        let path = ProcessInfo.processInfo.environment["CUS_FUZZ_VKEY"] ?? "Schemas/vectors/test.vkey"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return try? NoteVerifier(verifierKey: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }()

    static let eventTypes: [String] = DomainEvent.registry.keys.sorted()

    /// Seeds for `payload`: each record file's clear payload behind the index byte of its event type.
    static func writePayloadSeeds(records directory: String, into output: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                let event = try? RecordDecoder.decode(Array(data)),
                let index = eventTypes.firstIndex(of: event.type.name)
            else { continue }
            let seed = Data([UInt8(index % 256)] + Array(event.payload))
            FileManager.default.createFile(atPath: output + "/" + name, contents: seed)
        }
    }
}

nonisolated(unsafe) private var selected = FuzzTarget.record

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    let name = ProcessInfo.processInfo.environment["CUS_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("CUS_FUZZ_TARGET must be one of: \(names)\n".utf8))
        exit(64)
    }
    selected = target
    if let seeds = ProcessInfo.processInfo.environment["CUS_FUZZ_PAYLOAD_SEEDS_FROM"] {
        FuzzKeys.writePayloadSeeds(records: seeds, into: ProcessInfo.processInfo.environment["CUS_FUZZ_OUT"] ?? ".")
        exit(0)
    }
    _ = FuzzKeys.verifier
    _ = FuzzKeys.eventTypes
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    selected.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
