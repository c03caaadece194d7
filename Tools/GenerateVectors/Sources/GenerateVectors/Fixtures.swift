import Ledger

/// The fixed inputs of every vector. Nothing here is secret: the keys are published test keys.
enum Fixtures {
    static let origin = "cusledger.test.example/ledger/v1"
    /// RFC 8032 §7.1 TEST 1 secret key, so anyone can check the public key against the RFC.
    static let signingSeed = Hex.decode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    /// The per-person data key (DEK) of the sealed vectors: the RFC 8439 §2.8.2 key bytes 0x80…0x9f.
    static let dataKey: [UInt8] = Array(0x80...0x9F)
    static let dataKeyID = uuid("7d1e4c2a-9b3f-4e58-a6d0-c1b2a3948576")
    /// 2026-11-25T21:18:38.123456Z in microseconds since the epoch.
    static let t0: Int64 = 1_795_641_518_123_456

    static let plan = StreamID(category: category("plan"), id: uuid("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"))
    static let person = StreamID(category: category("person"), id: uuid("5f0c6b1e-2d3a-4b7c-9e8f-a1b2c3d4e5f6"))
    static let seed = StreamID(category: category("seed"), id: uuid("8c3d2e1f-0a9b-4c8d-b7e6-f5a4b3c2d1e0"))
    static let edge = StreamID(
        category: category("edge_case_category_of_32_bytes_x"), id: uuid("6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"))

    /// Command ids: UUIDv7 (48-bit Unix milliseconds first) except `naturalKey`, whose time prefix is the
    /// business date 2026-11-02 (ledger.md G4).
    static let command1 = uuid("01a21493-282b-7a3c-8d4e-5f6a7b8c9d0e")
    static let command2 = uuid("01a21493-2940-7b1d-9e2f-3a4b5c6d7e8f")
    static let command3 = uuid("01a21493-2b98-7c2d-a3e4-f5a6b7c8d9e0")
    static let command4 = uuid("01a21493-2f80-7d3e-b4f5-a6b7c8d9e0f1")
    static let command5 = uuid("01a21493-3368-7e4f-85a6-b7c8d9e0f1a2")
    static let naturalKey = uuid("01a1998e-4400-8c1f-9a2b-3c4d5e6f7081")
    static let command7 = uuid("01a21493-3750-7f60-96b7-c8d9e0f1a2b3")
    static let erasureRequest = uuid("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")

    static func uuid(_ text: String) -> UUID128 {
        guard let id = UUID128(text) else { preconditionFailure("bad uuid \(text)") }
        return id
    }

    static func category(_ name: String) -> Category {
        do { return try Category(name) } catch { preconditionFailure("\(error)") }
    }

    static func eventID(_ command: UUID128, _ index: UInt32) -> EventID { .derived(commandID: command, index: index) }

    /// `LedgerSeeder`'s payload for `sequence` (the seeded ledgers' clear part), rebuilt here.
    static func seedPayload(sequence: UInt64) -> [UInt8] {
        var bytes = Array("{\"seq\":\(sequence),\"note\":\"synthetic event, no personal data\",\"fill\":\"".utf8)
        let filler = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)
        var index = Int(sequence % UInt64(filler.count))
        while bytes.count < 250 - 2 {
            bytes.append(filler[index % filler.count])
            index += 1
        }
        return bytes + Array("\"}".utf8)
    }

    struct Seal {
        var algorithm: AEADAlgorithm
        var nonce: [UInt8]
        var plaintext: String
    }

    struct Spec {
        var name: String
        var description: String
        var stream: StreamID
        var version: UInt64
        var command: UUID128
        var commandIndex: UInt32
        var recordedAt: Int64
        var type: String
        var schemaVersion: UInt16 = 1
        var actor: String
        var correlation: UUID128?
        var causation: UUID128?
        var payload: [UInt8]
        var seal: Seal?

        var eventID: EventID { Fixtures.eventID(command, commandIndex) }
    }

    /// Positions 0…7, in order: the leaves of every tree in Schemas/vectors/.
    static let specs: [Spec] = [
        Spec(
            name: "plaintext", description: "Plain record: no sealed part, no correlation or causation id.",
            stream: plan, version: 0, command: command1, commandIndex: 0, recordedAt: t0, type: "PlanOpened",
            actor: "staff:k7f2",
            payload: Array(#"{"planId":"PL-2026-0001","programme":"care","opened":"2026-11-02"}"#.utf8)),
        Spec(
            name: "sealed-chacha20poly1305",
            description:
                "ENCRYPTED, aead 1 (ChaCha20-Poly1305): clear part plus personal fields sealed under the test data key.",
            stream: person, version: 0, command: command2, commandIndex: 0, recordedAt: t0 + 1_000,
            type: "PersonRegistered",
            actor: "staff:k7f2",
            payload: Array(
                #"{"personRef":"5f0c6b1e-2d3a-4b7c-9e8f-a1b2c3d4e5f6","district":"D03","ageBand":"65-74"}"#.utf8),
            seal: Seal(
                algorithm: .chaChaPoly, nonce: Hex.decode("070000004041424344454647"),
                plaintext:
                    #"{"givenName":"Jan","familyName":"Testowy","pesel":"00000000000","phone":"+48 000 000 000"}"#)),
        Spec(
            name: "all-optional-fields",
            description:
                "Plain record with correlationId, causationId (event 0), a non-ASCII actor and schemaVersion 2.",
            stream: plan, version: 1, command: command3, commandIndex: 0, recordedAt: t0 + 2_000, type: "PlanApproved",
            schemaVersion: 2, actor: "staff:łucja.w", correlation: command3, causation: eventID(command1, 0).rawValue,
            payload: Array(#"{"planId":"PL-2026-0001","approvedOn":"2026-11-25","units":12}"#.utf8)),
        Spec(
            name: "sealed-aes256gcm-all-optional-fields",
            description:
                "ENCRYPTED, aead 2 (AES-256-GCM), with correlationId and causationId (event 1); event 1 of its command.",
            stream: person, version: 1, command: command3, commandIndex: 1, recordedAt: t0 + 2_000,
            type: "ContactDetailsChanged", actor: "staff:anna.m", correlation: command3,
            causation: eventID(command2, 0).rawValue,
            payload: Array(#"{"personRef":"5f0c6b1e-2d3a-4b7c-9e8f-a1b2c3d4e5f6","fields":["phone","email"]}"#.utf8),
            seal: Seal(
                algorithm: .aesGCM, nonce: Hex.decode("cafebabefacedbaddecaf888"),
                plaintext: #"{"phone":"+48 000 000 001","email":"jan.testowy@example.invalid"}"#)),
        Spec(
            name: "empty-payload-empty-actor",
            description: "Smallest variable part: empty actor (a = 0), empty payload (p = 0).",
            stream: plan, version: 2, command: command4, commandIndex: 0, recordedAt: t0 + 3_000, type: "ledger.Note",
            actor: "", payload: []),
        Spec(
            name: "seeded",
            description: "What `cus ledger seed` writes: type ledger.SeedEvent, 250-byte ASCII clear payload.",
            stream: seed, version: 0, command: command5, commandIndex: 0, recordedAt: t0 + 4_000,
            type: "ledger.SeedEvent",
            actor: "system:seed", payload: seedPayload(sequence: 5)),
        Spec(
            name: "limits",
            description:
                "Edges: 32-byte category, 64-byte type, 64-byte UTF-8 actor, binary payload, schemaVersion 65535, "
                + "recordedAt -1 µs (before 1970, and earlier than its predecessor), natural-key command id.",
            stream: edge, version: 0, command: naturalKey, commandIndex: 7, recordedAt: -1,
            type: String(("Vectors.Edge_case." + String(repeating: "0123456789", count: 5)).prefix(64)),
            schemaVersion: 65_535, actor: "staff:" + String(repeating: "ż", count: 29),
            payload: Array(0...31) + [0xFF, 0xFE, 0x00]),
        Spec(
            name: "erasure-receipt",
            description: "A PersonalDataErased receipt (ledger.md §4.3): clear part only, causation = event 3.",
            stream: person, version: 2, command: command7, commandIndex: 0, recordedAt: t0 + 7_000,
            type: "PersonalDataErased", actor: "system:erasure", correlation: erasureRequest,
            causation: eventID(command3, 1).rawValue,
            payload: Array(
                (#"{"keyIds":["7d1e4c2a-9b3f-4e58-a6d0-c1b2a3948576"],"scope":0,"reason":"art17","#
                    + #""legalBasisRef":"DPO-2026-017","requestId":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"}"#).utf8)),
    ]
}
