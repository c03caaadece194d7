/// A checkpoint with its signed-note text, as stored in `checkpoints` and written beside exports.
public struct SignedCheckpoint: Sendable, Hashable {
    public let checkpoint: Checkpoint
    public let note: SignedNote

    public init(note: SignedNote) throws(CheckpointError) {
        self.checkpoint = try Checkpoint(body: Substring(note.body))
        self.note = note
    }

    public init(text: String) throws(CheckpointError) {
        try self.init(note: SignedNote(text: text))
    }

    /// Signs `checkpoint` with `signer`.
    public static func sign(_ checkpoint: Checkpoint, with signer: NoteSigner) throws(CheckpointError)
        -> SignedCheckpoint
    {
        let body = checkpoint.body
        return try SignedCheckpoint(note: SignedNote(body: body, signatures: [signer.sign(body)]))
    }

    public var text: String { note.text }

    /// Throws unless `verifier` signed it and its origin is the verifier's name.
    public func verify(with verifier: NoteVerifier) throws(CheckpointError) {
        try verifier.verify(note)
        guard checkpoint.origin == verifier.name else {
            throw .inconsistent("origin \(checkpoint.origin) is not the key name \(verifier.name)")
        }
    }
}
