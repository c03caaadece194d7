public import Ledger

/// Where the keys env and its key files live, and how to open it. Key files default to `DIR.keys/`, outside
/// the data directory, so a backup of the data directory never carries them (ledger.md §3.3).
public struct VaultOptions: Sendable {
    /// The data directory `DIR`: the keys env is `DIR/keys/`, the erasure list `DIR/erasures.log`.
    public var dataDirectory: String
    /// `nil`: `DIR.keys/master.key`.
    public var masterKeyPath: String?
    /// `nil`: `DIR.keys/lookup.key`.
    public var lookupKeyPath: String?
    public var readOnly: Bool = false
    public var mapSizeBytes: Int = 1 << 30
    public var maxReaders: UInt32 = 256
    /// Stamps `createdAt` of new data keys; injected so tests control time.
    public var clock: LedgerClock = .system
    /// How long the keys env's group commit may wait after a commit for more new keys to share the next one
    /// (ADR 0019, as the ledger's writer does: ADR 0005); 0 turns it off.
    public var groupCommitLingerMicroseconds: UInt32 = 1_000

    public init(
        dataDirectory: String, masterKeyPath: String? = nil, lookupKeyPath: String? = nil, readOnly: Bool = false
    ) {
        self.dataDirectory = dataDirectory
        self.masterKeyPath = masterKeyPath
        self.lookupKeyPath = lookupKeyPath
        self.readOnly = readOnly
    }

    public var keysEnvironmentPath: String { trimmedDataDirectory + "/keys" }
    public var erasureListPath: String { trimmedDataDirectory + "/erasures.log" }

    public var resolvedMasterKeyPath: String {
        masterKeyPath ?? SigningKeyFile.keysDirectory(dataDirectory: dataDirectory) + "/master.key"
    }

    public var resolvedLookupKeyPath: String {
        lookupKeyPath ?? SigningKeyFile.keysDirectory(dataDirectory: dataDirectory) + "/lookup.key"
    }

    private var trimmedDataDirectory: String {
        var directory = dataDirectory
        while directory.count > 1 && directory.hasSuffix("/") { directory.removeLast() }
        return directory
    }
}
