import Crypto
import Foundation
import LMDB
import Ledger

// Writes Schemas/ledger-record-vectors.json and Schemas/vectors/* (ledger.md §3.4) from Fixtures.specs, using
// the ledger's own encoder, decoder, Merkle code, signer and export line; the sealed parts are real AEAD output
// under the AAD of ledger.md §3.1. Every output is checked against the code again before it is written.

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("generate-vectors: \(message)\n".utf8))
    exit(1)
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fail(message()) }
}

func write(_ text: String, to path: String) {
    do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        fail("cannot write \(path): \(error)")
    }
    print("wrote \(path)")
}

func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }

// MARK: - Sealing (ledger.md §3.1 AAD; the Vault that will do this in production is not written yet)

/// `"CUSL1" ‖ eventId ‖ streamUUID ‖ c ‖ category ‖ t ‖ eventType ‖ schemaVersion ‖ keyId ‖ aead`.
func associatedData(
    eventID: EventID, stream: StreamID, type: String, schemaVersion: UInt16, keyID: UUID128, aead: AEADAlgorithm
) -> [UInt8] {
    let category = Array(stream.category.name.utf8)
    let typeBytes = Array(type.utf8)
    return Array("CUSL1".utf8) + eventID.rawValue.bytes + stream.id.bytes + [UInt8(category.count)] + category
        + [UInt8(typeBytes.count)] + typeBytes + bigEndian(schemaVersion) + keyID.bytes + [aead.rawValue]
}

func seal(_ plaintext: [UInt8], _ seal: Fixtures.Seal, aad: [UInt8]) throws -> [UInt8] {
    let key = SymmetricKey(data: Fixtures.dataKey)
    switch seal.algorithm {
    case .chaChaPoly:
        let box = try ChaChaPoly.seal(
            plaintext, using: key, nonce: ChaChaPoly.Nonce(data: seal.nonce), authenticating: aad)
        let sealed = Array(box.ciphertext) + Array(box.tag)
        let opened = try ChaChaPoly.open(
            ChaChaPoly.SealedBox(combined: seal.nonce + sealed), using: key, authenticating: aad)
        check(Array(opened) == plaintext, "ChaChaPoly round trip")
        return sealed
    case .aesGCM:
        let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(data: seal.nonce), authenticating: aad)
        let sealed = Array(box.ciphertext) + Array(box.tag)
        let opened = try AES.GCM.open(AES.GCM.SealedBox(combined: seal.nonce + sealed), using: key, authenticating: aad)
        check(Array(opened) == plaintext, "AES-GCM round trip")
        return sealed
    }
}

// MARK: - Records

struct Built {
    var spec: Fixtures.Spec
    var position: UInt64
    var bytes: [UInt8]
    var event: RecordedEvent
    var leaf: MerkleHash
    var aad: [UInt8]?
}

func raw(_ event: RecordedEvent) -> RawRecord {
    RawRecord(
        position: event.position.rawValue, streamUUID: event.stream.id.bytes, streamVersion: event.version.rawValue,
        eventID: event.id.rawValue.bytes, recordedAt: event.recordedAt.rawValue,
        correlationID: (event.metadata.correlationID ?? .zero).bytes,
        causationID: (event.metadata.causationID ?? .zero).bytes, schemaVersion: event.schemaVersion,
        category: Array(event.stream.category.name.utf8), eventType: Array(event.type.name.utf8),
        actor: Array(event.metadata.actor.utf8), payload: Array(event.payload),
        sealed: event.sealed.map {
            RawRecord.Sealed(
                keyID: $0.keyID.bytes, aead: $0.algorithm.rawValue, nonce: $0.nonce,
                ciphertextAndTag: $0.ciphertextAndTag)
        })
}

func build(_ spec: Fixtures.Spec, position: UInt64) throws -> Built {
    let type = try EventType(spec.type)
    var sealed: SealedPart?
    var aad: [UInt8]?
    if let sealSpec = spec.seal {
        let data = associatedData(
            eventID: spec.eventID, stream: spec.stream, type: spec.type, schemaVersion: spec.schemaVersion,
            keyID: Fixtures.dataKeyID, aead: sealSpec.algorithm)
        aad = data
        sealed = SealedPart(
            keyID: Fixtures.dataKeyID, algorithm: sealSpec.algorithm, nonce: sealSpec.nonce,
            ciphertextAndTag: try seal(Array(sealSpec.plaintext.utf8), sealSpec, aad: data))
    }
    let event = NewEvent(
        id: spec.eventID, type: type, schemaVersion: spec.schemaVersion, payload: spec.payload, sealed: sealed,
        metadata: EventMetadata(actor: spec.actor, correlationID: spec.correlation, causationID: spec.causation))
    try RecordEncoder.validate(event)
    let bytes = RecordEncoder.encode(
        event, stream: spec.stream, version: StreamVersion(spec.version), position: Position(position),
        recordedAt: Timestamp(microseconds: spec.recordedAt))
    let decoded = try RecordDecoder.decode(bytes, expectedPosition: Position(position))
    check(raw(decoded).bytes == bytes, "\(spec.name): the independent layout differs from RecordEncoder")
    let again = RecordEncoder.encode(
        NewEvent(
            id: decoded.id, type: decoded.type, schemaVersion: decoded.schemaVersion, payload: Array(decoded.payload),
            sealed: decoded.sealed, metadata: decoded.metadata),
        stream: decoded.stream, version: decoded.version, position: decoded.position, recordedAt: decoded.recordedAt)
    check(again == bytes, "\(spec.name): re-encoding differs")
    return Built(
        spec: spec, position: position, bytes: bytes, event: decoded, leaf: RFC6962.leafHash(of: bytes), aad: aad)
}

func exportLine(_ item: Built, payloadJSON: String? = nil) -> String {
    item.bytes.withUnsafeBytes { ExportLine.format(item.event, record: $0, payloadJSON: payloadJSON) }
}

func decodedJSON(_ event: RecordedEvent, bytes: [UInt8]) -> JSONValue {
    var members: [(String, JSONValue)] = [
        ("formatVersion", .int(1)),
        ("flags", .uint(bytes[2])),
        ("position", .uint(event.position.rawValue)),
        ("streamUUID", .string(event.stream.id.description)),
        ("streamVersion", .uint(event.version.rawValue)),
        ("eventId", .string(event.id.description)),
        ("recordedAt", .int(event.recordedAt.rawValue)),
        ("recordedAtText", .string(RFC3339.format(event.recordedAt))),
        ("correlationId", .optional(event.metadata.correlationID?.description)),
        ("causationId", .optional(event.metadata.causationID?.description)),
        ("schemaVersion", .uint(event.schemaVersion)),
        ("category", .string(event.stream.category.name)),
        ("eventType", .string(event.type.name)),
        ("actor", .string(event.metadata.actor)),
        ("actorHex", .hex(Array(event.metadata.actor.utf8))),
        ("payloadHex", .hex(event.payload)),
    ]
    if let text = String(validating: event.payload, as: UTF8.self), !event.payload.contains(0) {
        members.append(("payloadText", .string(text)))
    }
    if let sealed = event.sealed {
        members.append(("keyId", .string(sealed.keyID.description)))
        members.append(("aead", .uint(sealed.algorithm.rawValue)))
        members.append(("nonce", .hex(sealed.nonce)))
        members.append(("sealedHex", .hex(sealed.ciphertextAndTag)))
    } else {
        members.append(("keyId", .null))
        members.append(("aead", .null))
        members.append(("nonce", .null))
        members.append(("sealedHex", .null))
    }
    return .object(members)
}

struct Invalid {
    var name: String
    var base: Int
    var expectedPosition: UInt64?
    var mutate: (inout RawRecord) -> Void
}

/// Every entry of `database` in key order; values of keys for which `varies` is true are given as their length
/// only, so the file stays the same from run to run.
func hexEntries(
    _ database: Database, _ txn: Transaction, varies: ([UInt8]) -> Bool = { _ in false },
    text: (_ key: [UInt8], _ value: [UInt8]) -> [(String, JSONValue)]
) throws -> JSONValue {
    try txn.withCursor(database) { cursor in
        var entries: [JSONValue] = []
        var entry = try cursor.first()
        while let current = entry {
            let key = Array(current.key)
            let value = Array(current.value)
            let shown: (String, JSONValue) =
                varies(key) ? ("valueLength", .int(Int64(value.count))) : ("value", .hex(value))
            entries.append(.object([("key", .hex(key)), shown] + text(key, value)))
            entry = try cursor.next()
        }
        return .array(entries)
    }
}

extension Curve25519.Signing.PrivateKey {
    init(seed: [UInt8]) {
        do { try self.init(rawRepresentation: seed) } catch { fail("seed: \(error)") }
    }
}

@main
enum GenerateVectors {
    static func main() async {
        do { try await run() } catch { fail("\(error)") }
    }

    static func run() async throws {
        let schemas = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Schemas"
        let vectorsDirectory = schemas + "/vectors"
        let built = try Fixtures.specs.enumerated().map { try build($1, position: UInt64($0)) }

        // MARK: - Invalid records

        let invalids: [Invalid] = [
            Invalid(name: "formatVersion 2", base: 0) { $0.formatVersion = 2 },
            Invalid(name: "formatVersion 0", base: 0) { $0.formatVersion = 0 },
            Invalid(name: "flag bit 1 set", base: 0) { $0.flags = 0x02 },
            Invalid(name: "flag bit 7 set on a sealed record", base: 1) { $0.flags = 0x81 },
            Invalid(name: "ENCRYPTED flag without a sealed part", base: 0) { $0.flags = 0x01 },
            Invalid(name: "sealed part without the ENCRYPTED flag", base: 1) { $0.flags = 0x00 },
            Invalid(name: "position field differs from the key", base: 0, expectedPosition: 1) { _ in },
            Invalid(name: "schemaVersion 0", base: 0) { $0.schemaVersion = 0 },
            Invalid(name: "empty category", base: 0) { $0.category = [] },
            Invalid(name: "category of 33 bytes", base: 0) { $0.category = Array(repeating: 0x61, count: 33) },
            Invalid(name: "category with an upper-case letter", base: 0) { $0.category = Array("Plan".utf8) },
            Invalid(name: "category with a dot", base: 0) { $0.category = Array("pl.n".utf8) },
            Invalid(name: "empty eventType", base: 0) { $0.eventType = [] },
            Invalid(name: "eventType of 65 bytes", base: 0) { $0.eventType = Array(repeating: 0x41, count: 65) },
            Invalid(name: "eventType with a hyphen", base: 0) { $0.eventType = Array("Plan-Opened".utf8) },
            Invalid(name: "eventType with a non-ASCII byte", base: 0) { $0.eventType = Array("PlanÖpened".utf8) },
            Invalid(name: "actor of 65 bytes", base: 0) { $0.actor = Array(repeating: 0x61, count: 65) },
            Invalid(name: "actor not UTF-8", base: 0) { $0.actor = [0x73, 0x74, 0xFF, 0x66] },
            Invalid(name: "actor with a UTF-8 surrogate", base: 0) { $0.actor = [0xED, 0xA0, 0x80] },
            Invalid(name: "payload length 65537", base: 0) { $0.payloadLengthOverride = 65_537 },
            Invalid(name: "payload length beyond the end", base: 0) {
                $0.payloadLengthOverride = UInt32($0.payload.count + 1)
            },
            Invalid(name: "aead 0", base: 1) { $0.sealed?.aead = 0 },
            Invalid(name: "aead 3", base: 1) { $0.sealed?.aead = 3 },
            Invalid(name: "sealed part of 15 bytes (shorter than the tag)", base: 1) {
                $0.sealed?.ciphertextAndTag = Array(repeating: 0, count: 15)
            },
            Invalid(name: "sealed length 65553", base: 1) { $0.sealed?.lengthOverride = 65_553 },
            Invalid(name: "record ends inside the sealed part", base: 1) { $0.dropLast = 1 },
            Invalid(name: "record ends inside the nonce", base: 1) {
                $0.sealed?.ciphertextAndTag = []
                $0.sealed?.nonce = Array(repeating: 0, count: 7)
                $0.sealed?.lengthOverride = nil
                $0.dropLast = 4
            },
            Invalid(name: "one trailing byte", base: 0) { $0.trailing = [0x00] },
            Invalid(name: "trailing bytes after a sealed part", base: 1) { $0.trailing = [0x00, 0x00, 0x00, 0x00] },
            Invalid(name: "record ends inside the fixed header", base: 0) { $0.dropLast = $0.bytes.count - 50 },
            Invalid(name: "empty input", base: 0) { $0.dropLast = $0.bytes.count },
        ]

        var invalidJSON: [JSONValue] = []
        for invalid in invalids {
            var record = raw(built[invalid.base].event)
            invalid.mutate(&record)
            let bytes = record.bytes
            let position = invalid.expectedPosition ?? built[invalid.base].position
            do {
                _ = try RecordDecoder.decode(bytes, expectedPosition: Position(position))
                fail("invalid vector \"\(invalid.name)\" decodes")
            } catch {
                guard case .record(_, let violation)? = error.details else { fail("\(invalid.name): \(error)") }
                invalidJSON.append(
                    .object([
                        ("name", .string(invalid.name)),
                        ("basedOn", .string(built[invalid.base].spec.name)),
                        ("expectedPosition", .uint(position)),
                        ("hex", .hex(bytes)),
                        ("rejection", .string(violation.description)),
                    ]))
            }
        }

        // MARK: - Merkle tree

        let leaves = built.map(\.leaf)
        var frontiers: [MerkleFrontier] = [MerkleFrontier()]
        var tiles = InMemoryTileStore()
        do {
            var frontier = MerkleFrontier()
            var accumulator = TileAccumulator()
            for leaf in leaves {
                frontier.append(leaf) { node, hash in accumulator.add(node, hash) }
                for (tile, hashes) in accumulator.takeChangedTiles() { tiles.store(hashes, at: tile) }
                frontiers.append(frontier)
            }
        }
        let nodes = MerkleNodeReader(source: tiles, treeSize: UInt64(leaves.count))

        func root(_ size: Int) -> MerkleHash {
            do { return try nodes.root(ofSize: UInt64(size)) } catch { fail("root(\(size)): \(error)") }
        }

        var rootsJSON: [JSONValue] = []
        for size in 0...leaves.count {
            let frontier = frontiers[size]
            check(frontier.root() == root(size), "frontier and tiles disagree at \(size)")
            let parsed = try? MerkleFrontier(serialized: frontier.serialized())
            check(parsed == frontier, "frontier serialisation round trip at \(size)")
            rootsJSON.append(
                .object([
                    ("size", .int(Int64(size))), ("root", .string(frontier.root().hex)),
                    ("rootBase64", .string(frontier.root().base64)), ("frontier", .hex(frontier.serialized())),
                ]))
        }

        let inclusionCases: [(UInt64, UInt64)] = [(2, 7), (0, 1), (5, 8), (6, 7), (7, 8), (0, 8), (4, 5), (3, 3 + 1)]
        var inclusionJSON: [JSONValue] = []
        for (index, size) in inclusionCases {
            do {
                let proof = try InclusionProof.make(index: index, treeSize: size, nodes: nodes)
                try proof.verify(leafHash: leaves[Int(index)], root: root(Int(size)))
                inclusionJSON.append(
                    .object([
                        ("leafIndex", .uint(index)), ("treeSize", .uint(size)),
                        ("leafHash", .string(leaves[Int(index)].hex)),
                        ("hashes", .array(proof.hashes.map { .string($0.hex) })),
                        ("root", .string(root(Int(size)).hex)),
                    ]))
            } catch {
                fail("inclusion \(index) in \(size): \(error)")
            }
        }

        let consistencyCases: [(UInt64, UInt64)] = [(3, 7), (1, 8), (4, 8), (6, 8), (2, 5), (7, 8), (5, 5)]
        var consistencyJSON: [JSONValue] = []
        for (old, new) in consistencyCases {
            do {
                let proof = try ConsistencyProof.make(oldSize: old, newSize: new, nodes: nodes)
                try proof.verify(oldRoot: root(Int(old)), newRoot: root(Int(new)))
                consistencyJSON.append(
                    .object([
                        ("oldSize", .uint(old)), ("newSize", .uint(new)),
                        ("oldRoot", .string(root(Int(old)).hex)), ("newRoot", .string(root(Int(new)).hex)),
                        ("hashes", .array(proof.hashes.map { .string($0.hex) })),
                    ]))
            } catch {
                fail("consistency \(old) → \(new): \(error)")
            }
        }

        // MARK: - Checkpoint

        let signer: NoteSigner
        let signed: SignedCheckpoint
        let verifier: NoteVerifier
        do {
            signer = try NoteSigner(name: Fixtures.origin, seed: Fixtures.signingSeed)
            signed = try SignedCheckpoint.sign(
                Checkpoint(origin: Fixtures.origin, size: UInt64(leaves.count), root: root(leaves.count)), with: signer)
            verifier = try NoteVerifier(verifierKey: signer.verifierKey)
            try signed.verify(with: verifier)
            let reparsed = try SignedCheckpoint(text: signed.text)
            try reparsed.verify(with: verifier)
            check(try NoteSigner(text: signer.text).verifierKey == signer.verifierKey, "PRIVATE+KEY round trip")
        } catch {
            fail("checkpoint: \(error)")
        }
        let publicKey = Array(Curve25519.Signing.PrivateKey(seed: Fixtures.signingSeed).publicKey.rawRepresentation)
        let keyIDPreimage = Array(Fixtures.origin.utf8) + [0x0A, 0x01] + publicKey

        // MARK: - The same records in a real ledger: every database as the implementation writes it

        func ledgerLayout() async throws -> (JSONValue, String) {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent("cus-vectors-\(UUID().uuidString)")
                .path
            defer { try? FileManager.default.removeItem(atPath: base) }
            try FileManager.default.createDirectory(atPath: base + "/keys", withIntermediateDirectories: true)
            try (signer.text + "\n").write(toFile: base + "/keys/signing.key", atomically: true, encoding: .utf8)
            let ledger = try Ledger(
                Ledger.Options(
                    dataDirectory: base + "/data", initialMapSizeBytes: 1 << 24, origin: Fixtures.origin,
                    signingKeyPath: base + "/keys/signing.key"))
            defer { ledger.close() }
            try await ledger.importRecords(built.map(\.bytes))
            try await ledger.signCheckpoint()
            check(try ledger.merkleRoot() == root(leaves.count), "the imported ledger's root differs")
            guard let stored = try ledger.newestCheckpoint() else { fail("the ledger signed no checkpoint") }
            try stored.verify(with: verifier)
            let databases = ledger.databases
            let layout: JSONValue = try databases.environment.read { txn in
                func utf8(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
                let meta = try hexEntries(databases.meta, txn, varies: { $0 == Array("ledgerId".utf8) }) { key, value in
                    let name = utf8(key)
                    var extra: [(String, JSONValue)] = [("name", .string(name))]
                    switch name {
                    case "origin", "verifierKey", "lmdbVersionAtCreate": extra.append(("text", .string(utf8(value))))
                    default: break
                    }
                    let variable = name == "ledgerId" || name == "lmdbVersionAtCreate"
                    extra.append(("fixed", .bool(!variable)))
                    return extra
                }
                return .object([
                    ("events", try hexEntries(databases.events, txn) { _, _ in [] }),
                    ("streams", try hexEntries(databases.streams, txn) { _, _ in [] }),
                    ("eventIds", try hexEntries(databases.eventIDs, txn) { _, _ in [] }),
                    ("byType", try hexEntries(databases.byType, txn) { _, _ in [] }),
                    ("byCategory", try hexEntries(databases.byCategory, txn) { _, _ in [] }),
                    ("merkle", try hexEntries(databases.merkle, txn) { _, _ in [] }),
                    (
                        "checkpoints",
                        try hexEntries(databases.checkpoints, txn) { _, value in [("text", .string(utf8(value)))] }
                    ),
                    ("meta", meta),
                ])
            }
            return (layout, stored.text)
        }

        let (layout, ledgerCheckpoint) = try await ledgerLayout()
        #if os(Linux)
            check(
                ledgerCheckpoint == signed.text,
                "the ledger's own checkpoint differs from the vector (Ed25519 is deterministic here)")
        #endif

        // MARK: - Output

        let recordsJSON: [JSONValue] = built.map { item in
            var members: [(String, JSONValue)] = [
                ("name", .string(item.spec.name)),
                ("description", .string(item.spec.description)),
                ("position", .uint(item.position)),
                ("length", .int(Int64(item.bytes.count))),
                ("hex", .hex(item.bytes)),
                ("leafHash", .string(item.leaf.hex)),
                ("decoded", decodedJSON(item.event, bytes: item.bytes)),
                ("stream", .string(item.event.stream.description)),
                (
                    "eventIdFrom",
                    .object([
                        ("commandId", .string(item.spec.command.description)), ("index", .uint(item.spec.commandIndex)),
                    ])
                ),
            ]
            if let seal = item.spec.seal, let aad = item.aad {
                members.append(
                    (
                        "sealedPlaintext",
                        .object([
                            ("dataKeyHex", .hex(Fixtures.dataKey)), ("aadHex", .hex(aad)),
                            ("plaintext", .string(seal.plaintext)),
                        ])
                    ))
            }
            members.append(("exportLine", .string(exportLine(item))))
            return .object(members)
        }

        let vectorsDocument = JSONValue.object([
            (
                "description",
                .string(
                    "Record format v1 vectors (Schemas/ledger-record.md). `records` are valid, at positions 0…7 in this order: the "
                        + "leaves of every tree in vectors/. Decode `hex` with expectedPosition = `position`, compare with `decoded`, "
                        + "re-encode to the same bytes, leafHash = SHA-256(0x00 ‖ bytes). `invalid` must all be rejected; "
                        + "`rejection` is the Swift decoder's reason (informative). Generated by Tools/GenerateVectors."
                )
            ),
            ("formatVersion", .int(1)),
            ("records", .array(recordsJSON)),
            ("invalid", .array(invalidJSON)),
            (
                "eventIdDerivation",
                .array(
                    built.map { item in
                        .object([
                            ("commandId", .string(item.spec.command.description)),
                            ("index", .uint(item.spec.commandIndex)),
                            (
                                "sha256InputHex",
                                .hex(
                                    Array("cusledger/event-id/v1".utf8) + item.spec.command.bytes
                                        + bigEndian(item.spec.commandIndex))
                            ),
                            ("eventId", .string(item.event.id.description)),
                        ])
                    })
            ),
        ])

        let leavesNote =
            "Leaves: the 8 records of Schemas/ledger-record-vectors.json, leaf i = records[i].leafHash (position i)."

        let sealedJSON: [JSONValue] = built.compactMap { item in
            guard let seal = item.spec.seal, let aad = item.aad, let sealed = item.event.sealed else { return nil }
            return .object([
                ("record", .string(item.spec.name)),
                ("position", .uint(item.position)),
                ("keyId", .string(sealed.keyID.description)),
                ("dataKeyHex", .hex(Fixtures.dataKey)),
                ("aead", .uint(sealed.algorithm.rawValue)),
                ("aeadName", .string(sealed.algorithm == .chaChaPoly ? "ChaCha20-Poly1305" : "AES-256-GCM")),
                ("nonce", .hex(sealed.nonce)),
                ("aadHex", .hex(aad)),
                ("ciphertextAndTagHex", .hex(sealed.ciphertextAndTag)),
                ("plaintext", .string(seal.plaintext)),
                ("plaintextHex", .hex(Array(seal.plaintext.utf8))),
            ])
        }

        try? FileManager.default.createDirectory(atPath: vectorsDirectory, withIntermediateDirectories: true)
        write(vectorsDocument.printed() + "\n", to: schemas + "/ledger-record-vectors.json")
        write(
            JSONValue.object([("leaves", .string(leavesNote)), ("roots", .array(rootsJSON))]).printed() + "\n",
            to: vectorsDirectory + "/roots.json")
        write(
            JSONValue.object([
                ("leaves", .string(leavesNote)),
                (
                    "description",
                    .string("RFC 6962 §2.1.1 audit paths, lowest sibling first; verify as RFC 9162 §2.1.3.2.")
                ),
                ("proofs", .array(inclusionJSON)),
            ]).printed() + "\n",
            to: vectorsDirectory + "/inclusion-proof.json")
        write(
            JSONValue.object([
                ("leaves", .string(leavesNote)),
                (
                    "description",
                    .string(
                        "RFC 6962 §2.1.2 consistency proofs (SUBPROOF order); verify as RFC 9162 §2.1.4.2. Equal sizes: empty proof."
                    )
                ),
                ("proofs", .array(consistencyJSON)),
            ]).printed() + "\n",
            to: vectorsDirectory + "/consistency-proof.json")
        write(signer.text + "\n", to: vectorsDirectory + "/test-signing.key")
        write(signer.verifierKey + "\n", to: vectorsDirectory + "/test.vkey")
        write(signed.text, to: vectorsDirectory + "/checkpoint.txt")
        write(
            JSONValue.object([
                ("description", .string("PUBLISHED TEST KEYS: never use them for a real ledger.")),
                (
                    "signingKey",
                    .object([
                        ("name", .string(signer.name)),
                        ("seedHex", .hex(Fixtures.signingSeed)),
                        ("seedSource", .string("RFC 8032 §7.1 TEST 1 secret key")),
                        ("publicKeyHex", .hex(publicKey)),
                        ("keyIdPreimageHex", .hex(keyIDPreimage)),
                        ("keyId", .string(String(format: "%08x", signer.keyID))),
                        ("privateKeyFile", .string("test-signing.key")),
                        ("verifierKeyFile", .string("test.vkey")),
                    ])
                ),
                (
                    "dataKeys",
                    .array([
                        .object([
                            ("keyId", .string(Fixtures.dataKeyID.description)), ("keyHex", .hex(Fixtures.dataKey)),
                        ])
                    ])
                ),
            ]).printed() + "\n",
            to: vectorsDirectory + "/test-keys.json")
        write(
            JSONValue.object([
                (
                    "description",
                    .string(
                        "The sealed parts of the ENCRYPTED record vectors, with the test data key: open ciphertextAndTag "
                            + "(ciphertext ‖ 16-byte tag) with the AEAD named by `aead`, `nonce` and AAD = aadHex "
                            + "(\"CUSL1\" ‖ eventId ‖ streamUUID ‖ c ‖ category ‖ t ‖ eventType ‖ schemaVersion ‖ keyId ‖ aead)."
                    )
                ),
                ("sealed", .array(sealedJSON)),
            ]).printed() + "\n",
            to: vectorsDirectory + "/sealed.json")
        write(built.map { exportLine($0) + "\n" }.joined(), to: vectorsDirectory + "/export.jsonl")
        write(signed.text, to: vectorsDirectory + "/export.jsonl.checkpoint")
        write(
            JSONValue.object([
                (
                    "description",
                    .string(
                        "The 8 record vectors imported (`Ledger.importRecords`) into a fresh ledger signed with the test key: "
                            + "every entry of every database in LMDB key order, hex. meta entries with fixed = false "
                            + "(ledgerId: random; lmdbVersionAtCreate: the library's version string) differ per ledger."
                    )
                ),
                ("databases", layout),
            ]).printed() + "\n",
            to: vectorsDirectory + "/lmdb-layout.json")
        print("vectors: \(built.count) records, \(invalidJSON.count) invalid, root \(root(leaves.count).hex)")
    }
}
