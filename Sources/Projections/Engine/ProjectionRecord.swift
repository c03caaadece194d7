public import Domain

/// Where one projection generation stands, kept in the `meta` database under `live/<name>` (the generation
/// views read) or `rebuild/<name>` (a generation being built beside it).
public struct ProjectionRecord: PayloadCodable, Hashable, Sendable {
    /// The code version that wrote the rows.
    public var version: UInt32
    /// Which set of databases holds the rows; a rebuild writes generation + 1 and switches.
    public var generation: UInt64
    /// Positions 0 ..< checkpoint have been applied.
    public var checkpoint: UInt64
    /// Set when the projection stopped at an event: the position and why.
    public var failure: Failure?
    /// The checkpoint of the last batch that wrote a row: the rows are what positions 0 ..< rowsChangedAt made
    /// of them, however far the checkpoint has moved since (events the projection skips change nothing). With
    /// the version it identifies the rows' content, so a reader can keep what it rendered from them
    /// (`contentIdentity`). Records written before it existed read as changed at their checkpoint.
    public var rowsChangedAt: UInt64

    /// Equal for two reads of this projection exactly when their rows are equal: `apply` is deterministic, so
    /// the rows of a version after positions 0 ..< rowsChangedAt are the same in any generation.
    public var contentIdentity: ContentIdentity { ContentIdentity(version: version, rowsChangedAt: rowsChangedAt) }

    public struct ContentIdentity: Hashable, Sendable {
        public var version: UInt32
        public var rowsChangedAt: UInt64
    }

    public struct Failure: PayloadCodable, Hashable, Sendable {
        public var position: UInt64
        public var message: String

        public func encode(to writer: inout PayloadWriter) {
            writer.write(position)
            writer.write(message)
        }

        public init(position: UInt64, message: String) {
            self.position = position
            self.message = message
        }

        public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
            position = try reader.read()
            message = try reader.read()
        }
    }

    public init(
        version: UInt32, generation: UInt64, checkpoint: UInt64 = 0, failure: Failure? = nil,
        rowsChangedAt: UInt64? = nil
    ) {
        self.version = version
        self.generation = generation
        self.checkpoint = checkpoint
        self.failure = failure
        self.rowsChangedAt = rowsChangedAt ?? checkpoint
    }

    public func encode(to writer: inout PayloadWriter) {
        writer.write(UInt64(version))
        writer.write(generation)
        writer.write(checkpoint)
        writer.writeOptional(failure)
        writer.write(rowsChangedAt)
    }

    public init(from reader: inout PayloadReader) throws(PayloadCodingError) {
        let version: UInt64 = try reader.read()
        guard let narrow = UInt32(exactly: version) else { throw .invalidValue(at: reader.offset, "version") }
        self.version = narrow
        generation = try reader.read()
        checkpoint = try reader.read()
        failure = try reader.readOptional()
        rowsChangedAt = reader.isAtEnd ? checkpoint : try reader.read()
    }
}

/// Which of a projection's two records.
public enum ProjectionSlot: String, Sendable {
    /// The generation views read and live catch-up extends.
    case live
    /// A generation being rebuilt beside the live one; switched in when it catches up.
    case rebuild
}
