import Foundation
import LMDB
import Ledger
import LedgerTesting
import Testing

/// The published vectors of `Schemas/` (ledger.md G8, §3.4) against the code that wrote them: if a change to
/// the record, the tree, the checkpoints, the export line or the LMDB layout alters a byte, this fails, and
/// `Schemas/ledger-record.md` plus the vectors (Tools/GenerateVectors) must change with it.
@Suite("Schemas/ vectors: record format, tree, checkpoint, export, LMDB layout")
struct VectorTests {
    // MARK: files

    static let schemas = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas")

    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: schemas.appendingPathComponent(path))
    }

    static func text(_ path: String) throws -> String {
        String(decoding: try data(path), as: UTF8.self)
    }

    static func load<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
        try JSONDecoder().decode(T.self, from: data(path))
    }

    static func bytes(_ hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw VectorError("odd hex length") }
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16) else {
                throw VectorError("bad hex \(hex.prefix(20))")
            }
            return byte
        }
    }

    static func hash(_ hex: String) throws -> MerkleHash {
        guard let hash = MerkleHash(hex: hex) else { throw VectorError("bad hash \(hex)") }
        return hash
    }

    static func uuid(_ text: String?) throws -> UUID128? {
        guard let text else { return nil }
        guard let id = UUID128(text) else { throw VectorError("bad uuid \(text)") }
        return id
    }

    struct VectorError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    // MARK: file shapes

    struct RecordFile: Decodable {
        let records: [RecordVector]
        let invalid: [InvalidVector]
        let eventIdDerivation: [Derivation]
    }

    struct RecordVector: Decodable {
        let name: String
        let position: UInt64
        let length: Int
        let hex: String
        let leafHash: String
        let decoded: Decoded
        let stream: String
        let exportLine: String
    }

    struct Decoded: Decodable {
        let flags: UInt8
        let position: UInt64
        let streamUUID: String
        let streamVersion: UInt64
        let eventId: String
        let recordedAt: Int64
        let recordedAtText: String
        let correlationId: String?
        let causationId: String?
        let schemaVersion: UInt16
        let category: String
        let eventType: String
        let actor: String
        let payloadHex: String
        let keyId: String?
        let aead: UInt8?
        let nonce: String?
        let sealedHex: String?
    }

    struct InvalidVector: Decodable {
        let name: String
        let expectedPosition: UInt64
        let hex: String
        let rejection: String
    }

    struct Derivation: Decodable {
        let commandId: String
        let index: UInt32
        let eventId: String
    }

    struct RootFile: Decodable {
        struct Root: Decodable {
            let size: Int
            let root: String
            let rootBase64: String
            let frontier: String
        }
        let roots: [Root]
    }

    struct InclusionFile: Decodable {
        struct Proof: Decodable {
            let leafIndex: UInt64
            let treeSize: UInt64
            let leafHash: String
            let hashes: [String]
            let root: String
        }
        let proofs: [Proof]
    }

    struct ConsistencyFile: Decodable {
        struct Proof: Decodable {
            let oldSize: UInt64
            let newSize: UInt64
            let oldRoot: String
            let newRoot: String
            let hashes: [String]
        }
        let proofs: [Proof]
    }

    struct KeyFile: Decodable {
        struct SigningKey: Decodable {
            let name: String
            let seedHex: String
            let publicKeyHex: String
            let keyId: String
        }
        let signingKey: SigningKey
    }

    struct LayoutFile: Decodable {
        struct Entry: Decodable, Equatable {
            let key: String
            let value: String?
            let valueLength: Int?
            let fixed: Bool?
        }
        let databases: [String: [Entry]]
    }

    static func records() throws -> [(vector: RecordVector, bytes: [UInt8])] {
        try load(RecordFile.self, "ledger-record-vectors.json").records.map { ($0, try bytes($0.hex)) }
    }

    static func leaves() throws -> [MerkleHash] {
        try records().map { RFC6962.leafHash(of: $0.bytes) }
    }

    /// The tiles of the vector tree, as the writer builds them.
    static func nodes() throws -> MerkleNodeReader<InMemoryTileStore> {
        var frontier = MerkleFrontier()
        var accumulator = TileAccumulator()
        var tiles = InMemoryTileStore()
        for leaf in try leaves() {
            frontier.append(leaf) { node, hash in accumulator.add(node, hash) }
        }
        for (tile, hashes) in accumulator.takeChangedTiles() { tiles.store(hashes, at: tile) }
        return MerkleNodeReader(source: tiles, treeSize: frontier.size)
    }

    // MARK: records

    @Test("Every record vector decodes to its fields, re-encodes to its bytes and has its leaf hash")
    func recordVectors() throws {
        let vectors = try Self.records()
        #expect(vectors.count >= 3)
        #expect(vectors.contains { $0.vector.decoded.sealedHex == nil })
        #expect(vectors.contains { $0.vector.decoded.aead == 1 } && vectors.contains { $0.vector.decoded.aead == 2 })
        #expect(vectors.contains { $0.vector.decoded.correlationId != nil && $0.vector.decoded.causationId != nil })
        for (vector, bytes) in vectors {
            let expected = vector.decoded
            let event = try RecordDecoder.decode(bytes, expectedPosition: Position(vector.position))
            #expect(bytes.count == vector.length, "\(vector.name)")
            #expect(bytes[2] == expected.flags, "\(vector.name)")
            #expect(event.position.rawValue == expected.position && event.position.rawValue == vector.position)
            #expect(event.stream.id == (try Self.uuid(expected.streamUUID)), "\(vector.name)")
            #expect(event.stream.category.name == expected.category, "\(vector.name)")
            #expect(event.stream.description == vector.stream, "\(vector.name)")
            #expect(event.version.rawValue == expected.streamVersion, "\(vector.name)")
            #expect(event.id.rawValue == (try Self.uuid(expected.eventId)), "\(vector.name)")
            #expect(event.recordedAt.rawValue == expected.recordedAt, "\(vector.name)")
            #expect(RFC3339.format(event.recordedAt) == expected.recordedAtText, "\(vector.name)")
            #expect(event.metadata.correlationID == (try Self.uuid(expected.correlationId)), "\(vector.name)")
            #expect(event.metadata.causationID == (try Self.uuid(expected.causationId)), "\(vector.name)")
            #expect(event.schemaVersion == expected.schemaVersion, "\(vector.name)")
            #expect(event.type.name == expected.eventType, "\(vector.name)")
            #expect(event.metadata.actor == expected.actor, "\(vector.name)")
            #expect(event.payload == Payload(try Self.bytes(expected.payloadHex)), "\(vector.name)")
            #expect(event.sealed?.keyID == (try Self.uuid(expected.keyId)), "\(vector.name)")
            #expect(event.sealed?.algorithm.rawValue == expected.aead, "\(vector.name)")
            #expect(event.sealed?.nonce == (try expected.nonce.map(Self.bytes)), "\(vector.name)")
            #expect(event.sealed?.ciphertextAndTag == (try expected.sealedHex.map(Self.bytes)), "\(vector.name)")

            let again = RecordEncoder.encode(
                NewEvent(
                    id: event.id, type: event.type, schemaVersion: event.schemaVersion, payload: Array(event.payload),
                    sealed: event.sealed, metadata: event.metadata),
                stream: event.stream, version: event.version, position: event.position, recordedAt: event.recordedAt)
            #expect(again == bytes, "\(vector.name) re-encodes differently")
            #expect(RFC6962.leafHash(of: bytes).hex == vector.leafHash, "\(vector.name)")
            let line = bytes.withUnsafeBytes { ExportLine.format(event, record: $0, payloadJSON: nil) }
            #expect(line == vector.exportLine, "\(vector.name)")
        }
    }

    @Test("Every invalid record vector is rejected, for the stated reason")
    func invalidVectors() throws {
        let vectors = try Self.load(RecordFile.self, "ledger-record-vectors.json").invalid
        #expect(vectors.count >= 20)
        for vector in vectors {
            let bytes = try Self.bytes(vector.hex)
            do {
                _ = try RecordDecoder.decode(bytes, expectedPosition: Position(vector.expectedPosition))
                Issue.record("\(vector.name) decoded")
            } catch {
                guard case .record(_, let violation)? = error.details else {
                    Issue.record("\(vector.name): \(error)")
                    continue
                }
                #expect(error.code == .corrupted)
                #expect(violation.description == vector.rejection, "\(vector.name)")
            }
        }
    }

    @Test("Event ids derive from (command id, index) as published")
    func eventIDDerivation() throws {
        let derivations = try Self.load(RecordFile.self, "ledger-record-vectors.json").eventIdDerivation
        #expect(!derivations.isEmpty)
        for derivation in derivations {
            let command = try #require(try Self.uuid(derivation.commandId))
            let derived = EventID.derived(commandID: command, index: derivation.index)
            #expect(derived.description == derivation.eventId)
            #expect(derived.rawValue.timePrefix == command.timePrefix)
        }
    }

    // MARK: tree

    @Test("Roots and meta.frontier values for sizes 0…8")
    func roots() throws {
        let leaves = try Self.leaves()
        let roots = try Self.load(RootFile.self, "vectors/roots.json").roots
        #expect(roots.map(\.size) == Array(0...8) && leaves.count == 8)
        let nodes = try Self.nodes()
        var frontier = MerkleFrontier()
        for expected in roots {
            while frontier.size < UInt64(expected.size) { frontier.append(leaves[Int(frontier.size)]) }
            let root = try Self.hash(expected.root)
            #expect(frontier.root() == root, "size \(expected.size)")
            #expect(try nodes.root(ofSize: UInt64(expected.size)) == root, "size \(expected.size)")
            #expect(root.base64 == expected.rootBase64)
            #expect(frontier.serialized() == (try Self.bytes(expected.frontier)), "size \(expected.size)")
            #expect(try MerkleFrontier(serialized: Self.bytes(expected.frontier)) == frontier)
        }
    }

    @Test("The inclusion proofs verify, match the tiles' proofs, and fail when altered")
    func inclusionProofs() throws {
        let proofs = try Self.load(InclusionFile.self, "vectors/inclusion-proof.json").proofs
        let leaves = try Self.leaves()
        let nodes = try Self.nodes()
        #expect(!proofs.isEmpty)
        for vector in proofs {
            let proof = InclusionProof(
                index: vector.leafIndex, treeSize: vector.treeSize, hashes: try vector.hashes.map(Self.hash))
            let leaf = try Self.hash(vector.leafHash)
            #expect(leaf == leaves[Int(vector.leafIndex)])
            try proof.verify(leafHash: leaf, root: Self.hash(vector.root))
            #expect(try InclusionProof.make(index: vector.leafIndex, treeSize: vector.treeSize, nodes: nodes) == proof)
            #expect(try nodes.root(ofSize: vector.treeSize) == Self.hash(vector.root))
            if let first = proof.hashes.first {
                var altered = proof
                altered.hashes[0] = RFC6962.nodeHash(first, first)
                #expect(throws: MerkleError.self) { try altered.verify(leafHash: leaf, root: Self.hash(vector.root)) }
            }
        }
    }

    @Test("The consistency proofs verify, match the tiles' proofs, and fail when altered")
    func consistencyProofs() throws {
        let proofs = try Self.load(ConsistencyFile.self, "vectors/consistency-proof.json").proofs
        let nodes = try Self.nodes()
        #expect(!proofs.isEmpty)
        for vector in proofs {
            let proof = ConsistencyProof(
                oldSize: vector.oldSize, newSize: vector.newSize, hashes: try vector.hashes.map(Self.hash))
            let oldRoot = try Self.hash(vector.oldRoot)
            let newRoot = try Self.hash(vector.newRoot)
            try proof.verify(oldRoot: oldRoot, newRoot: newRoot)
            #expect(try ConsistencyProof.make(oldSize: vector.oldSize, newSize: vector.newSize, nodes: nodes) == proof)
            #expect(try nodes.root(ofSize: vector.oldSize) == oldRoot && nodes.root(ofSize: vector.newSize) == newRoot)
            #expect(throws: MerkleError.self) {
                try proof.verify(oldRoot: newRoot == oldRoot ? RFC6962.emptyRoot : newRoot, newRoot: newRoot)
            }
        }
    }

    // MARK: checkpoint

    @Test("The checkpoint verifies with the published test key, over the root of the 8 records")
    func checkpoint() throws {
        let text = try Self.text("vectors/checkpoint.txt")
        let vkey = try Self.text("vectors/test.vkey")
        let keys = try Self.load(KeyFile.self, "vectors/test-keys.json").signingKey
        let verifier = try NoteVerifier(verifierKey: vkey)
        let checkpoint = try SignedCheckpoint(text: text)
        try checkpoint.verify(with: verifier)
        #expect(checkpoint.text == text)
        #expect(checkpoint.checkpoint.origin == keys.name && verifier.name == keys.name)
        #expect(checkpoint.checkpoint.size == 8)
        let roots = try Self.load(RootFile.self, "vectors/roots.json").roots
        #expect(checkpoint.checkpoint.root == (try Self.hash(roots[8].root)))
        #expect(String(format: "%08x", verifier.keyID) == keys.keyId)

        let signer = try NoteSigner(text: Self.text("vectors/test-signing.key"))
        #expect(signer.verifierKey + "\n" == vkey)
        #expect(try NoteSigner(name: keys.name, seed: Self.bytes(keys.seedHex)).text == signer.text)
        #expect(vkey.hasSuffix(Base64.encode([0x01] + (try Self.bytes(keys.publicKeyHex))) + "\n"))
        #if os(Linux)
            // BoringSSL signs per RFC 8032 (deterministic); CryptoKit on Apple platforms randomises.
            #expect(try SignedCheckpoint.sign(checkpoint.checkpoint, with: signer).text == text)
        #endif

        var forged = checkpoint.checkpoint
        forged.size = 7
        let tampered = try SignedCheckpoint(note: SignedNote(body: forged.body, signatures: checkpoint.note.signatures))
        #expect(throws: CheckpointError.self) { try tampered.verify(with: verifier) }
    }

    // MARK: export

    @Test("export.jsonl holds the vectors' export lines and the checkpoint beside it")
    func exportFile() throws {
        let lines = try Self.text("vectors/export.jsonl").split(separator: "\n", omittingEmptySubsequences: false)
        let vectors = try Self.records()
        #expect(lines.count == vectors.count + 1 && lines.last == "")
        for (line, vector) in zip(lines, vectors) { #expect(String(line) == vector.vector.exportLine) }
        #expect(try Self.text("vectors/export.jsonl.checkpoint") == Self.text("vectors/checkpoint.txt"))
    }

    // MARK: LMDB layout

    @Test("Importing the vectors into a fresh ledger writes exactly the published database entries")
    func lmdbLayout() async throws {
        let expected = try Self.load(LayoutFile.self, "vectors/lmdb-layout.json").databases
        let records = try Self.records().map(\.bytes)
        let signingKey = try Self.text("vectors/test-signing.key")
        let origin = try NoteSigner(text: signingKey).name
        try await TemporaryDirectory.with(prefix: "cus-vectors") { directory in
            let keyPath = directory.path + "/signing.key"
            try signingKey.write(toFile: keyPath, atomically: true, encoding: .utf8)
            let ledger = try Ledger(
                Ledger.Options(
                    dataDirectory: directory.path + "/data", initialMapSizeBytes: 16 << 20, origin: origin,
                    signingKeyPath: keyPath))
            defer { ledger.close() }
            try await ledger.importRecords(records)
            try await ledger.signCheckpoint()
            let databases = ledger.databases
            let named: [(String, Database)] = [
                ("events", databases.events), ("streams", databases.streams), ("eventIds", databases.eventIDs),
                ("byType", databases.byType), ("byCategory", databases.byCategory), ("merkle", databases.merkle),
                ("checkpoints", databases.checkpoints), ("meta", databases.meta),
            ]
            #expect(Set(expected.keys) == Set(named.map(\.0)))
            try databases.environment.read { txn in
                for (name, database) in named {
                    let entries = try txn.withCursor(database) { cursor in
                        var found: [(key: String, value: [UInt8])] = []
                        var entry = try cursor.first()
                        while let current = entry {
                            found.append((Self.hexString(current.key), Array(current.value)))
                            entry = try cursor.next()
                        }
                        return found
                    }
                    let published = expected[name] ?? []
                    #expect(entries.map(\.key) == published.map(\.key), "\(name): keys")
                    for (entry, vector) in zip(entries, published) {
                        if let value = vector.value {
                            #if !os(Linux)
                                if name == "checkpoints" { continue }  // randomised Ed25519 signatures
                            #endif
                            if vector.fixed == false { continue }
                            #expect(Self.hexString(entry.value) == value, "\(name) \(vector.key)")
                        } else {
                            #expect(entry.value.count == vector.valueLength, "\(name) \(vector.key)")
                        }
                    }
                }
            }
        }
    }

    static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
