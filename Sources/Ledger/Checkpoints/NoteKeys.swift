import Crypto
import Foundation

/// Signs note bodies with Ed25519 under a key name (ledger.md §3.3). Its text form is the Go `note` package's
/// `PRIVATE+KEY+<name>+<hex keyID>+<base64(0x01 ‖ seed)>`.
public struct NoteSigner: Sendable {
    public let name: String
    public let keyID: UInt32
    let privateKey: Curve25519.Signing.PrivateKey
    static let algorithmEd25519: UInt8 = 0x01

    init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws(CheckpointError) {
        guard Checkpoint.isValidOrigin(name) else {
            throw .badKey("key name \"\(name)\" is empty or has spaces or '+'")
        }
        self.name = name
        self.privateKey = privateKey
        self.keyID = NoteVerifier.keyID(name: name, publicKey: Array(privateKey.publicKey.rawRepresentation))
    }

    /// A key from its 32-byte Ed25519 seed (RFC 8032), e.g. the published test key of `Schemas/vectors/`.
    public init(name: String, seed: [UInt8]) throws(CheckpointError) {
        guard seed.count == 32, let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .badKey("an Ed25519 seed has 32 bytes")
        }
        try self.init(name: name, privateKey: key)
    }

    /// Generates a fresh key.
    public static func generate(name: String) throws(CheckpointError) -> NoteSigner {
        try NoteSigner(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Parses the `PRIVATE+KEY+…` text form.
    public init(text: String) throws(CheckpointError) {
        let (name, hexID, privateKey) = try KeyText.privateKey(
            text, algorithm: Self.algorithmEd25519, what: "<base64> Ed25519 signing key")
        try self.init(name: name, privateKey: privateKey)
        guard hexID == String(format: "%08x", keyID) else { throw .badKey("the key id does not match the key") }
    }

    public var text: String {
        "PRIVATE+KEY+" + KeyText.format(name, keyID, Self.algorithmEd25519, privateKey.rawRepresentation)
    }

    /// The verifier key in vkey form, `<name>+<hex keyID>+<base64(0x01 ‖ public key)>`.
    public var verifierKey: String {
        KeyText.format(name, keyID, Self.algorithmEd25519, privateKey.publicKey.rawRepresentation)
    }

    public func sign(_ body: String) throws(CheckpointError) -> SignedNote.Signature {
        do {
            let signature = try privateKey.signature(for: Array(body.utf8))
            return SignedNote.Signature(name: name, keyID: keyID, signature: Array(signature))
        } catch {
            throw .badKey("Ed25519 signing failed: \(error)")
        }
    }
}

/// Checks a note's signature by one named Ed25519 key, given in vkey form.
public struct NoteVerifier: Sendable, Hashable {
    public let name: String
    public let keyID: UInt32
    let publicKey: [UInt8]

    public init(verifierKey: String) throws(CheckpointError) {
        let fields = verifierKey.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, let blob = Base64.decode(String(fields[2])), blob.count == 33,
            blob[0] == NoteSigner.algorithmEd25519, fields[1].utf8.count == 8,
            let idBytes = Hex.decode(fields[1].utf8)
        else { throw .badKey("not a <name>+<hex id>+<base64> Ed25519 verifier key") }
        self.name = String(fields[0])
        self.publicKey = Array(blob[1...])
        self.keyID = idBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard Self.keyID(name: name, publicKey: publicKey) == keyID else {
            throw .badKey("the verifier key's id does not match its name and key")
        }
    }

    /// `SHA-256(name ‖ 0x0A ‖ 0x01 ‖ publicKey)[0..<4]` as a big-endian integer.
    static func keyID(name: String, publicKey: [UInt8]) -> UInt32 {
        let digest = SHA256.hash(data: Array(name.utf8) + [0x0A, NoteSigner.algorithmEd25519] + publicKey)
        return digest.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    /// Throws unless `note` carries a valid signature by this key.
    public func verify(_ note: SignedNote) throws(CheckpointError) {
        let mine = note.signatures.filter { $0.name == name && $0.keyID == keyID }
        guard !mine.isEmpty else { throw .unknownKey(name: name) }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw .badKey("the verifier key is not an Ed25519 point")
        }
        let body = Array(note.body.utf8)
        guard mine.contains(where: { key.isValidSignature($0.signature, for: body) }) else {
            throw .badSignature(name: name)
        }
    }
}

/// Strict standard base64 (with padding), for notes and keys.
public enum Base64 {
    public static func encode(_ bytes: some Collection<UInt8>) -> String { Data(bytes).base64EncodedString() }

    public static func decode(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text), encode(data) == text else { return nil }
        return Array(data)
    }
}

/// The text forms shared by the operator's note keys and witnesses' cosignature keys: `PRIVATE+KEY+<name>+<hex
/// id>+<base64(algorithm ‖ seed)>`.
enum KeyText {
    static func privateKey(_ text: String, algorithm: UInt8, what: String) throws(CheckpointError)
        -> (name: String, hexID: Substring, key: Curve25519.Signing.PrivateKey)
    {
        let fields = text.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "PRIVATE", fields[1] == "KEY",
            let blob = Base64.decode(String(fields[4])), blob.count == 33, blob[0] == algorithm,
            let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: blob[1...])
        else { throw .badKey("not a PRIVATE+KEY+<name>+<id>+\(what)") }
        return (String(fields[2]), fields[3], privateKey)
    }

    /// `<name>+<hex keyID>+<base64(algorithm ‖ key)>`.
    static func format(_ name: String, _ keyID: UInt32, _ algorithm: UInt8, _ key: Data) -> String {
        "\(name)+\(String(format: "%08x", keyID))+\(Base64.encode([algorithm] + Array(key)))"
    }
}
