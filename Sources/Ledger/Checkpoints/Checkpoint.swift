/// The signed statement "the ledger of `origin` had `size` events with Merkle root `root`" (C2SP
/// tlog-checkpoint; ledger.md §3.3). No personal data, no per-type counts.
public struct Checkpoint: Sendable, Hashable {
    public var origin: String
    public var size: UInt64
    public var root: MerkleHash

    public init(origin: String, size: UInt64, root: MerkleHash) {
        self.origin = origin
        self.size = size
        self.root = root
    }

    /// The note body that is signed exactly: origin, decimal size and base64 root, each ending `\n`.
    public var body: String { "\(origin)\n\(size)\n\(root.base64)\n" }

    /// Parses a body; rejects anything but exactly those three lines.
    public init(body: Substring) throws(CheckpointError) {
        guard body.hasSuffix("\n") else { throw .malformed("the body must end with a newline") }
        let lines = body.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 3 else { throw .malformed("a checkpoint body has 3 lines, not \(lines.count)") }
        let origin = String(lines[0])
        guard Self.isValidOrigin(origin) else { throw .malformed("the origin line is empty or has spaces") }
        guard let size = UInt64(lines[1]), String(size) == lines[1] else {
            throw .malformed("the size line is not a decimal number")
        }
        guard let root = MerkleHash(base64: String(lines[2])) else {
            throw .malformed("the root is not 32 base64 bytes")
        }
        self.init(origin: origin, size: size, root: root)
    }

    static func isValidOrigin(_ origin: String) -> Bool {
        !origin.isEmpty && origin.utf8.count <= 256
            && origin.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && $0 != "+" }
    }
}

/// Why a checkpoint, note or key was refused.
public enum CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed(String)
    case badKey(String)
    case unknownKey(name: String)
    case badSignature(name: String)
    case inconsistent(String)

    public var description: String {
        switch self {
        case .malformed(let reason): "malformed checkpoint: \(reason)"
        case .badKey(let reason): "bad key: \(reason)"
        case .unknownKey(let name): "no signature by the key \(name)"
        case .badSignature(let name): "the signature of \(name) does not verify"
        case .inconsistent(let reason): "inconsistent checkpoint: \(reason)"
        }
    }
}
