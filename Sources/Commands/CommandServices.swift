public import Domain
public import Ledger
public import Vault

/// One data directory's command side, opened in the order ledger.md §4.3/§4.5 needs: the ledger, then the
/// keys env, then every erasure receipt and erasure-list entry re-applied — so nothing is served while a
/// crash left a key undestroyed.
public final class CommandServices: Sendable {
    public let ledger: Ledger
    public let vault: Vault
    public let pipeline: CommandPipeline
    public let reader: PersonalDataReader
    public let erasure: PersonalDataErasure
    /// Other streams' state for command enrichment; one per ledger, so its incremental folds are shared.
    public let facts: DomainFacts
    /// What start-up re-application did.
    public let recovery: PersonalDataErasure.Report
    /// Qualification decisions of one programme, one at a time for the whole process (every `IntakeCommands`
    /// over these services: the API's and the duties'), so the limit check and the append see one queue (L10).
    let qualificationQueues = KeyedSerialQueue<ProgrammeID>()
    /// Authorisation commands, one at a time for the whole process: each checks units already authorised for the
    /// plan item and from the provider in other authorisations' streams, which no stream version protects.
    let authorisationGate = AsyncGate()

    public init(ledger: Ledger, vault: Vault, ruleBook: RuleBook = .defaults) throws(CommandError) {
        self.ledger = ledger
        self.vault = vault
        let erasureList = ErasureList(dataDirectory: ledger.options.dataDirectory)
        recovery = try PersonalDataErasure.reapplyAll(store: ledger, vault: vault, erasureList: erasureList)
        pipeline = CommandPipeline(store: ledger, vault: vault, ruleBook: ruleBook)
        reader = PersonalDataReader(pipeline: pipeline, vault: vault)
        erasure = PersonalDataErasure(pipeline: pipeline, vault: vault, erasureList: erasureList)
        facts = DomainFacts(store: ledger)
    }

    /// Opens the ledger and the keys env of `dataDirectory` as the writer.
    public static func open(
        _ ledgerOptions: Ledger.Options, masterKeyPath: String? = nil, lookupKeyPath: String? = nil,
        ruleBook: RuleBook = .defaults
    ) throws(CommandError) -> CommandServices {
        let ledger: Ledger
        do { ledger = try Ledger(ledgerOptions) } catch { throw CommandError(error) }
        let vault: Vault
        do {
            vault = try Vault(
                VaultOptions(
                    dataDirectory: ledgerOptions.dataDirectory, masterKeyPath: masterKeyPath,
                    lookupKeyPath: lookupKeyPath))
        } catch {
            ledger.close()
            throw CommandError(error)
        }
        do { return try CommandServices(ledger: ledger, vault: vault, ruleBook: ruleBook) } catch {
            vault.close()
            ledger.close()
            throw error
        }
    }

    public func close() {
        vault.close()
        ledger.close()
    }
}
