import Crypto
import Foundation

/// A witness's C2SP `cosignature/v1` key (ledger.md §3.3, G6): Ed25519 over
/// `"cosignature/v1\ntime <seconds>\n" ‖ checkpoint body`, key ID computed with signature type 0x04, and a
/// signature line `— <name> base64(keyID[4] ‖ timestamp u64 BE ‖ signature[64])`. The private key's text form
/// is `PRIVATE+KEY+<name>+<hex keyID>+<base64(0x04 ‖ seed)>`, its verifier key
/// `<name>+<hex keyID>+<base64(0x04 ‖ public key)>`.
public struct WitnessSigner: Sendable {
    static let algorithmCosignatureV1: UInt8 = 0x04

    public let name: String
    public let keyID: UInt32
    let privateKey: Curve25519.Signing.PrivateKey

    init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws(CheckpointError) {
        guard Checkpoint.isValidOrigin(name) else {
            throw .badKey("witness name \"\(name)\" is empty or has spaces or '+'")
        }
        self.name = name
        self.privateKey = privateKey
        keyID = WitnessVerifier.keyID(name: name, publicKey: Array(privateKey.publicKey.rawRepresentation))
    }

    public static func generate(name: String) throws(CheckpointError) -> WitnessSigner {
        try WitnessSigner(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    public init(text: String) throws(CheckpointError) {
        let (name, hexID, privateKey) = try KeyText.privateKey(
            text, algorithm: Self.algorithmCosignatureV1, what: "<base64(0x04 ‖ seed)> witness key")
        try self.init(name: name, privateKey: privateKey)
        guard hexID == String(format: "%08x", keyID) else { throw .badKey("the key id does not match the key") }
    }

    public var text: String {
        "PRIVATE+KEY+" + KeyText.format(name, keyID, Self.algorithmCosignatureV1, privateKey.rawRepresentation)
    }

    public var verifierKey: String {
        KeyText.format(name, keyID, Self.algorithmCosignatureV1, privateKey.publicKey.rawRepresentation)
    }

    /// The note with this witness's cosignature of its body at `time` (seconds since the Unix epoch) added,
    /// replacing an older cosignature by the same key.
    public func cosign(_ checkpoint: SignedCheckpoint, time: UInt64) throws(CheckpointError) -> SignedCheckpoint {
        let message = WitnessVerifier.signedMessage(body: checkpoint.note.body, time: time)
        let signature: Data
        do { signature = try privateKey.signature(for: message) } catch {
            throw .badKey("Ed25519 signing failed: \(error)")
        }
        var note = checkpoint.note
        note.signatures.removeAll { $0.name == name && $0.keyID == keyID }
        note.signatures.append(
            SignedNote.Signature(
                name: name, keyID: keyID, signature: withUnsafeBytes(of: time.bigEndian, Array.init) + signature))
        return try SignedCheckpoint(note: note)
    }
}

/// Checks a witness's `cosignature/v1` line on a checkpoint.
public struct WitnessVerifier: Sendable, Hashable {
    public let name: String
    public let keyID: UInt32
    let publicKey: [UInt8]

    public init(verifierKey: String) throws(CheckpointError) {
        let fields = verifierKey.trimmingCharacters(in: .whitespacesAndNewlines).split(
            separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, let blob = Base64.decode(String(fields[2])), blob.count == 33,
            blob[0] == WitnessSigner.algorithmCosignatureV1, fields[1].utf8.count == 8,
            let idBytes = Hex.decode(fields[1].utf8)
        else { throw .badKey("not a <name>+<hex id>+<base64(0x04 ‖ key)> cosignature/v1 verifier key") }
        name = String(fields[0])
        publicKey = Array(blob[1...])
        keyID = idBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard Self.keyID(name: name, publicKey: publicKey) == keyID else {
            throw .badKey("the witness key's id does not match its name and key")
        }
    }

    /// `SHA-256(name ‖ 0x0A ‖ 0x04 ‖ publicKey)[0..<4]`.
    static func keyID(name: String, publicKey: [UInt8]) -> UInt32 {
        let digest = SHA256.hash(data: Array(name.utf8) + [0x0A, WitnessSigner.algorithmCosignatureV1] + publicKey)
        return digest.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    static func signedMessage(body: String, time: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(time)\n".utf8) + Array(body.utf8)
    }

    /// The cosignature time (seconds since the epoch) when this witness cosigned `checkpoint`; throws if it did
    /// not or the signature does not verify.
    @discardableResult
    public func verify(_ checkpoint: SignedCheckpoint) throws(CheckpointError) -> UInt64 {
        let mine = checkpoint.note.signatures.filter { $0.name == name && $0.keyID == keyID }
        guard !mine.isEmpty else { throw .unknownKey(name: name) }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw .badKey("the witness key is not an Ed25519 point")
        }
        for line in mine where line.signature.count == 8 + 64 {
            let time = line.signature[0..<8].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let message = Self.signedMessage(body: checkpoint.note.body, time: time)
            if key.isValidSignature(line.signature[8...], for: message) { return time }
        }
        throw .badSignature(name: name)
    }
}

extension SignedCheckpoint {
    /// Which of `witnesses` validly cosigned this checkpoint, with the cosignature time.
    public func cosigners(among witnesses: [WitnessVerifier]) -> [(name: String, time: UInt64)] {
        witnesses.compactMap { witness in (try? witness.verify(self)).map { (witness.name, $0) } }
    }

    /// Names on signature lines that no key in `known` accounts for (unverified cosignatures).
    public func otherSignatureNames(verifiers: [NoteVerifier], witnesses: [WitnessVerifier]) -> [String] {
        note.signatures.filter { line in
            !verifiers.contains { $0.name == line.name && $0.keyID == line.keyID }
                && !witnesses.contains { $0.name == line.name && $0.keyID == line.keyID }
        }.map(\.name)
    }
}
