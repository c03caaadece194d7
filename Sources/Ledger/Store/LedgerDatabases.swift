public import LMDB

/// The ledger environment and its named databases (ledger.md §2.2).
public struct LedgerDatabases: Sendable {
    public let environment: Environment
    public let events: Database
    public let streams: Database
    public let eventIDs: Database
    public let byType: Database
    public let byCategory: Database
    public let merkle: Database
    public let checkpoints: Database
    public let meta: Database

    static let names = ["events", "streams", "eventIds", "byType", "byCategory", "merkle", "checkpoints", "meta"]

    init(environment: Environment, create: Bool) throws {
        self.environment = environment
        let flags: DatabaseFlags = create ? [.create] : []
        var opened: [Database] = []
        for name in Self.names { opened.append(try environment.openDatabase(named: name, flags: flags)) }
        (events, streams, eventIDs, byType, byCategory) = (opened[0], opened[1], opened[2], opened[3], opened[4])
        (merkle, checkpoints, meta) = (opened[5], opened[6], opened[7])
    }
}

/// Names and encodings of the `meta` database's entries.
enum MetaKey {
    static let formatVersion = Array("formatVersion".utf8)
    static let ledgerID = Array("ledgerId".utf8)
    static let origin = Array("origin".utf8)
    static let treeSize = Array("treeSize".utf8)
    static let frontier = Array("frontier".utf8)
    static let streamCount = Array("streamCount".utf8)
    static let lmdbVersionAtCreate = Array("lmdbVersionAtCreate".utf8)
    static let verifierKey = Array("verifierKey".utf8)
}
