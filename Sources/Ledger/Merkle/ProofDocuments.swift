import Foundation

/// `cus audit proof` output (`Schemas/audit-inclusion-proof.schema.json`): one event's exact record, its leaf
/// hash and RFC 6962 audit path to the root of a tree size, with the signed checkpoint of that size when one is
/// given. Checked by `verify` here and by `Tools/verify-python` without CUSLedger code.
public struct InclusionProofDocument: Sendable, Equatable {
    public static let kind = "cusledger/inclusion-proof/v1"

    public var proof: InclusionProof
    public var record: [UInt8]
    public var root: MerkleHash
    public var checkpoint: SignedCheckpoint?

    public init(proof: InclusionProof, record: [UInt8], root: MerkleHash, checkpoint: SignedCheckpoint?) {
        self.proof = proof
        self.record = record
        self.root = root
        self.checkpoint = checkpoint
    }

    public var leafHash: MerkleHash { RFC6962.leafHash(of: record) }

    /// JSON with a fixed member order, one line.
    public var json: String {
        "{\"kind\":\(ExportLine.quoted(Self.kind)),\"position\":\(proof.index),\"treeSize\":\(proof.treeSize)"
            + ",\"leafHash\":\"\(leafHash.hex)\",\"record\":\(ExportLine.quoted(Base64.encode(record)))"
            + ",\"hashes\":\(ProofJSON.hashes(proof.hashes)),\"root\":\"\(root.hex)\""
            + ",\"checkpoint\":\(checkpoint.map { ExportLine.quoted($0.text) } ?? "null")}"
    }

    public init(json: some Collection<UInt8>) throws(ProofDocumentError) {
        let object = try ProofJSON.object(json, kind: Self.kind)
        proof = InclusionProof(
            index: try ProofJSON.number(object, "position"), treeSize: try ProofJSON.number(object, "treeSize"),
            hashes: try ProofJSON.hashList(object, "hashes"))
        guard let text = object["record"] as? String, let bytes = Base64.decode(text) else {
            throw .malformed("\"record\" is missing or not base64")
        }
        record = bytes
        root = try ProofJSON.hash(object, "root")
        guard try ProofJSON.hash(object, "leafHash") == RFC6962.leafHash(of: bytes) else {
            throw .invalid("\"leafHash\" is not the hash of \"record\"")
        }
        checkpoint = try ProofJSON.checkpoint(object, "checkpoint")
    }

    /// Decodes the record at the proof's position, recomputes the root, and checks it against the checkpoint
    /// (size and root) and its signature by `verifier` when given. Returns the decoded event.
    @discardableResult
    public func verify(verifier: NoteVerifier?) throws(ProofDocumentError) -> RecordedEvent {
        let event: RecordedEvent
        do {
            event = try RecordDecoder.decode(record, expectedPosition: Position(proof.index))
        } catch { throw .invalid("the record does not decode at position \(proof.index): \(error)") }
        do { try proof.verify(leafHash: leafHash, root: root) } catch {
            throw .invalid("the audit path does not lead to the root: \(error)")
        }
        try ProofJSON.check(checkpoint, size: proof.treeSize, root: root, verifier: verifier, "checkpoint")
        return event
    }
}

/// `cus audit consistency` output (`Schemas/audit-consistency-proof.schema.json`): evidence that the tree of
/// `newSize` extends the tree of `oldSize`, with both signed checkpoints when given.
public struct ConsistencyProofDocument: Sendable, Equatable {
    public static let kind = "cusledger/consistency-proof/v1"

    public var proof: ConsistencyProof
    public var oldRoot: MerkleHash
    public var newRoot: MerkleHash
    public var oldCheckpoint: SignedCheckpoint?
    public var newCheckpoint: SignedCheckpoint?

    public init(
        proof: ConsistencyProof, oldRoot: MerkleHash, newRoot: MerkleHash, oldCheckpoint: SignedCheckpoint?,
        newCheckpoint: SignedCheckpoint?
    ) {
        self.proof = proof
        self.oldRoot = oldRoot
        self.newRoot = newRoot
        self.oldCheckpoint = oldCheckpoint
        self.newCheckpoint = newCheckpoint
    }

    public var json: String {
        "{\"kind\":\(ExportLine.quoted(Self.kind)),\"oldSize\":\(proof.oldSize),\"newSize\":\(proof.newSize)"
            + ",\"oldRoot\":\"\(oldRoot.hex)\",\"newRoot\":\"\(newRoot.hex)\",\"hashes\":\(ProofJSON.hashes(proof.hashes))"
            + ",\"oldCheckpoint\":\(oldCheckpoint.map { ExportLine.quoted($0.text) } ?? "null")"
            + ",\"newCheckpoint\":\(newCheckpoint.map { ExportLine.quoted($0.text) } ?? "null")}"
    }

    public init(json: some Collection<UInt8>) throws(ProofDocumentError) {
        let object = try ProofJSON.object(json, kind: Self.kind)
        proof = ConsistencyProof(
            oldSize: try ProofJSON.number(object, "oldSize"), newSize: try ProofJSON.number(object, "newSize"),
            hashes: try ProofJSON.hashList(object, "hashes"))
        oldRoot = try ProofJSON.hash(object, "oldRoot")
        newRoot = try ProofJSON.hash(object, "newRoot")
        oldCheckpoint = try ProofJSON.checkpoint(object, "oldCheckpoint")
        newCheckpoint = try ProofJSON.checkpoint(object, "newCheckpoint")
    }

    /// Checks the proof against both roots, and each checkpoint given against its size, root and `verifier`.
    public func verify(verifier: NoteVerifier?) throws(ProofDocumentError) {
        do { try proof.verify(oldRoot: oldRoot, newRoot: newRoot) } catch {
            throw .invalid("the consistency proof from \(proof.oldSize) to \(proof.newSize) fails: \(error)")
        }
        try ProofJSON.check(oldCheckpoint, size: proof.oldSize, root: oldRoot, verifier: verifier, "oldCheckpoint")
        try ProofJSON.check(newCheckpoint, size: proof.newSize, root: newRoot, verifier: verifier, "newCheckpoint")
    }
}

/// Why a proof document was refused.
public enum ProofDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case invalid(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed proof: \(reason)"
        case .invalid(let reason): "the proof does not verify: \(reason)"
        }
    }
}

enum ProofJSON {
    static func hashes(_ hashes: [MerkleHash]) -> String {
        "[" + hashes.map { "\"\($0.hex)\"" }.joined(separator: ",") + "]"
    }

    static func object(_ json: some Collection<UInt8>, kind: String) throws(ProofDocumentError) -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            throw .malformed("not a JSON object")
        }
        guard object["kind"] as? String == kind else { throw .malformed("\"kind\" is not \"\(kind)\"") }
        return object
    }

    static func number(_ object: [String: Any], _ key: String) throws(ProofDocumentError) -> UInt64 {
        guard let number = object[key] as? NSNumber, let value = UInt64(number.stringValue) else {
            throw .malformed("\"\(key)\" is missing or not a non-negative integer")
        }
        return value
    }

    static func hash(_ object: [String: Any], _ key: String) throws(ProofDocumentError) -> MerkleHash {
        guard let text = object[key] as? String, let hash = MerkleHash(hex: text) else {
            throw .malformed("\"\(key)\" is missing or not 64 lowercase hex digits")
        }
        return hash
    }

    static func hashList(_ object: [String: Any], _ key: String) throws(ProofDocumentError) -> [MerkleHash] {
        guard let texts = object[key] as? [String] else { throw .malformed("\"\(key)\" is not a list of hashes") }
        var hashes: [MerkleHash] = []
        for text in texts {
            guard let hash = MerkleHash(hex: text) else { throw .malformed("\"\(key)\" holds a malformed hash") }
            hashes.append(hash)
        }
        return hashes
    }

    static func checkpoint(_ object: [String: Any], _ key: String) throws(ProofDocumentError) -> SignedCheckpoint? {
        guard let value = object[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw .malformed("\"\(key)\" is not a signed note") }
        do { return try SignedCheckpoint(text: text) } catch { throw .malformed("\"\(key)\": \(error)") }
    }

    static func check(
        _ checkpoint: SignedCheckpoint?, size: UInt64, root: MerkleHash, verifier: NoteVerifier?, _ key: String
    ) throws(ProofDocumentError) {
        guard let checkpoint else {
            if verifier != nil { throw .invalid("\"\(key)\" is absent, so no signature can be checked") }
            return
        }
        guard checkpoint.checkpoint.size == size, checkpoint.checkpoint.root == root else {
            throw .invalid("\"\(key)\" states size \(checkpoint.checkpoint.size), not the proof's \(size) and root")
        }
        if let verifier {
            do { try checkpoint.verify(with: verifier) } catch { throw .invalid("\"\(key)\": \(error)") }
        }
    }
}
