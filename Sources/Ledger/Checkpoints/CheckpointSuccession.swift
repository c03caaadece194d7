/// Whether a later checkpoint may replace an earlier trusted one (ledger.md §3.3: "the auditor tool keeps its
/// last trusted checkpoint and rejects a smaller size or an inconsistent root"), as the auditor's `trust` and a
/// witness's `witness` decide it.
public enum CheckpointSuccession {
    /// Throws `.inconsistent` unless `new` has the same origin, is not smaller, has the same root at the same
    /// size, and — when larger — `proof` proves the old tree a prefix of the new one.
    public static func check(old: Checkpoint, new: Checkpoint, proof: ConsistencyProof?) throws(CheckpointError) {
        guard old.origin == new.origin else {
            throw .inconsistent("origin \(new.origin) is not the trusted \(old.origin)")
        }
        guard new.size >= old.size else {
            throw .inconsistent("size \(new.size) is smaller than the trusted \(old.size): a rolled-back ledger")
        }
        if new.size == old.size {
            guard new.root == old.root else {
                throw .inconsistent("size \(new.size) has another root than the trusted checkpoint: a forked ledger")
            }
            return
        }
        guard let proof else {
            throw .inconsistent("a consistency proof from size \(old.size) to \(new.size) is needed")
        }
        guard proof.oldSize == old.size, proof.newSize == new.size else {
            throw .inconsistent(
                "the proof is from \(proof.oldSize) to \(proof.newSize), not from \(old.size) to \(new.size)")
        }
        do { try proof.verify(oldRoot: old.root, newRoot: new.root) } catch {
            throw .inconsistent("the tree of \(new.size) does not extend the trusted tree of \(old.size) (\(error))")
        }
    }
}
