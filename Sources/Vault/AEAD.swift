import Crypto
import Ledger

/// The two AEADs of ledger.md §3.1 over plain byte arrays: ChaCha20-Poly1305 (RFC 8439) for everything the
/// Vault seals, and AES-256-GCM for opening records that name it.
enum AEAD {
    static let nonceBytes = 12
    static let tagBytes = 16

    /// Seals under a random 96-bit nonce; returns the nonce and ciphertext ‖ tag.
    static func seal(_ plaintext: [UInt8], key: SymmetricKey, associatedData: [UInt8]) throws(VaultError)
        -> (nonce: [UInt8], sealed: [UInt8])
    {
        let nonce = SecureRandom.bytes(nonceBytes)
        do {
            let box = try ChaChaPoly.seal(
                plaintext, using: key, nonce: ChaChaPoly.Nonce(data: nonce), authenticating: associatedData)
            return (nonce, Array(box.ciphertext) + Array(box.tag))
        } catch {
            throw VaultError(.invalidArgument, "ChaCha20-Poly1305 refused to seal: \(error)")
        }
    }

    /// Opens ciphertext ‖ tag; throws an untyped CryptoKit error when authentication fails.
    static func open(
        _ sealed: [UInt8], nonce: [UInt8], algorithm: AEADAlgorithm, key: SymmetricKey, associatedData: [UInt8]
    ) throws -> [UInt8] {
        switch algorithm {
        case .chaChaPoly:
            let box = try ChaChaPoly.SealedBox(combined: nonce + sealed)
            return Array(try ChaChaPoly.open(box, using: key, authenticating: associatedData))
        case .aesGCM:
            let box = try AES.GCM.SealedBox(combined: nonce + sealed)
            return Array(try AES.GCM.open(box, using: key, authenticating: associatedData))
        }
    }
}
