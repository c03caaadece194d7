public import Ledger
import LMDB

/// What the keys env holds, for a restore's report and its check that a keys backup belongs to the ledger
/// (ledger.md §4.5).
extension Vault {
    /// The state of one data key in this env.
    public enum KeyState: Sendable, Equatable {
        /// Its wrapped key is here: sealed parts under it open.
        case held
        /// Destroyed by the receipt at this position.
        case erased(Position)
        /// Neither held nor erased: the env never had it (or is older than the key).
        case unknown
    }

    public func state(of keyID: UUID128) throws(VaultError) -> KeyState {
        if let position = try erasedAt(keyID: keyID) { return .erased(position) }
        let held = try store.read("cannot read a data key") { txn in
            try txn.value(in: store.dataKeys, key: keyID.bytes) != nil
        }
        return held ? .held : .unknown
    }

    /// How many wrapped data keys and erased-key tombstones the env holds.
    public func keyCounts() throws(VaultError) -> (dataKeys: Int, erasedKeys: Int) {
        try store.read("cannot count the keys env") { txn in
            (try txn.statistics(of: store.dataKeys).entries, try txn.statistics(of: store.erased).entries)
        }
    }

    /// The stored `dataKeys` record of `keyID` (the key wrapped under the master key), for residue checks.
    package func wrappedRecord(of keyID: UUID128) throws(VaultError) -> [UInt8]? {
        try store.read("cannot read a data key") { txn in
            try txn.value(in: store.dataKeys, key: keyID.bytes).map(Array.init)
        }
    }
}
