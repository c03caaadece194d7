import Foundation

/// A C2SP signed note: a body, a blank line, then one line per signature `— <name> <base64(keyID ‖ sig)>`.
public struct SignedNote: Sendable, Hashable {
    public struct Signature: Sendable, Hashable {
        public var name: String
        /// The first 4 bytes of the key hash (`keyID`), big-endian.
        public var keyID: UInt32
        public var signature: [UInt8]
    }

    public static let textBytesMax = 1 << 20
    static let signaturePrefix = "\u{2014} "

    public var body: String
    public var signatures: [Signature]

    public init(body: String, signatures: [Signature]) {
        self.body = body
        self.signatures = signatures
    }

    public var text: String {
        body + "\n"
            + signatures.map { signature in
                let blob = withUnsafeBytes(of: signature.keyID.bigEndian, Array.init) + signature.signature
                return "\(Self.signaturePrefix)\(signature.name) \(Base64.encode(blob))\n"
            }.joined()
    }

    public init(text: String) throws(CheckpointError) {
        guard text.utf8.count <= Self.textBytesMax else { throw .malformed("the note is over 1 MiB") }
        guard let split = text.range(of: "\n\n") else { throw .malformed("no blank line after the body") }
        body = String(text[..<text.index(after: split.lowerBound)])
        let signatureText = text[split.upperBound...]
        guard signatureText.hasSuffix("\n") else { throw .malformed("the last signature line has no newline") }
        var signatures: [Signature] = []
        for line in signatureText.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix(Self.signaturePrefix) else {
                throw .malformed("a signature line must start with '— '")
            }
            let fields = line.dropFirst(Self.signaturePrefix.count).split(
                separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 2, !fields[0].isEmpty, let blob = Base64.decode(String(fields[1])), blob.count > 4
            else { throw .malformed("a signature line is not '— <name> <base64>'") }
            let keyID = blob[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            signatures.append(Signature(name: String(fields[0]), keyID: keyID, signature: Array(blob[4...])))
        }
        guard !signatures.isEmpty else { throw .malformed("the note has no signature") }
        self.signatures = signatures
    }
}
