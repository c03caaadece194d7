/// Text forms of a hash: lowercase hex for exports and logs (ledger.md §3.4 `leafHash`), standard base64 for
/// C2SP checkpoints (§3.3). Parsing accepts only the canonical spelling, so one hash has one text form.
extension MerkleHash {
    /// 64 lowercase hex digits.
    public var hex: String { withUnsafeBytes { Hex.encode($0) } }

    /// Returns `nil` unless `hex` is exactly 64 lowercase hex digits.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 2 * Self.byteCount, let bytes = Hex.decode(hex.utf8) else { return nil }
        self.init(bytes: bytes)
    }

    /// Standard base64 with padding (44 characters), as in a C2SP checkpoint's root line.
    public var base64: String { Base64.encode(bytes) }

    /// Returns `nil` unless `base64` is the canonical padded base64 of exactly 32 bytes.
    public init?(base64: String) {
        guard let bytes = Base64.decode(base64), bytes.count == Self.byteCount else { return nil }
        self.init(bytes: bytes)
    }
}
