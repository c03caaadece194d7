/// What `cus restore` did (`--json` prints it).
struct RestoreReport: Encodable {
    var data: String
    var ledgerBackup: String
    var keysBackup: String
    /// Events in the restored ledger and its root.
    var events: UInt64
    var root: String
    var checkpointsVerified: Int
    /// The largest trusted or witnessed checkpoint compared, and how many events it has beyond the backup:
    /// acknowledged events the restore lost (ledger.md §2.6).
    var trustedSize: UInt64?
    var lostAcknowledgedEvents: UInt64
    var masterKeyEpoch: UInt32
    /// Data keys in the keys backup, and how many of them the replay of step 3 destroyed.
    var keysRestored: Int
    var keysDestroyedByReplay: Int
    var keysHeld: Int
    var receiptsReplayed: Int
    var erasureListEntries: Int
    /// Distinct data keys the ledger's sealed parts name; the keys backup holds or erased every one of them.
    var ledgerKeys: Int
    var projectionsRebuilt: [String]
    var seconds: Double
}
