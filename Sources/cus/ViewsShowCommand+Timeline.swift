import ArgumentParser
import Commands
import Domain
import Foundation
import Ledger
import Projections

/// `cus views show ResidentTimeline --key PERSONREF --purpose TEXT [--viewer STAFFID]`: the view lists the
/// resident's positions (references only); their personal fields are revealed here through `PersonalDataReader`,
/// which appends `PersonalDataViewed` to the viewer's access log and waits for it to be durable before decrypting
/// (domain.md §4.12 rule 6). Appending needs the writer lock, so this opens the data directory as the writer
/// (exit 75 while a server holds it). The viewer is `system:cli`, or with `--viewer` the staff member at the
/// terminal in the operator role (the CLI is the operations tool); the channel is `cli`. Each event gains a
/// `personal` cell: the sealed part's JSON, the redacted marker once the resident was erased, or null when the
/// event has no sealed part of theirs.
extension ViewsShowCommand {
    func showTimeline(_ view: ViewDefinition, context: ViewContext) async throws {
        let services = try CommandServices.open(
            store.ledgerOptions(readOnly: false, purpose: "cus views show ResidentTimeline"),
            masterKeyPath: keys.masterKeyFile, lookupKeyPath: keys.lookupKeyFile, ruleBook: context.ruleBook)
        defer { services.close() }
        let (rows, size) = try read(view, ledger: services.ledger, context: context)
        let revealed = try await reveal(rows, services: services)
        try printCutoff(view, size: size, ledger: services.ledger)
        guard !json && !csv else {
            print(render(revealed, columns: view.columns))
            return
        }
        // A table cannot nest: the resident's line, then one table per nested column.
        print(render(revealed, columns: view.columns))
        for column in ["events", "consents", "representatives"] {
            let nested: [ViewRow] = revealed.flatMap { (row: ViewRow) -> [ViewRow] in
                guard case .rows(let nested) = row[column] else { return [] }
                return nested
            }
            guard let columns = nested.first?.cells.map(\.column) else {
                print("\n\(column): none")
                continue
            }
            print("\n\(column):\n" + render(nested, columns: columns))
        }
    }

    /// The rows with each event's personal fields revealed, the read logged first.
    private func reveal(_ rows: [ViewRow], services: CommandServices) async throws -> [ViewRow] {
        guard let key, let person = PersonRef(key), let purpose else { return rows }
        let actor = viewer.flatMap(StaffID.init).map { Actor.staff($0, role: .operator) } ?? .system("cli")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var revealedRows: [ViewRow] = []
        for row in rows {
            guard case .rows(let events) = row["events"] else {
                revealedRows.append(row)
                continue
            }
            var records: [RecordedEvent] = []
            for event in events {
                guard case .int(let position) = event["position"],
                    let record = try services.ledger.event(at: Position(rawValue: UInt64(position)))
                else { throw CommandFailure(exitCode: 70, reason: "a timeline position is not in the ledger") }
                records.append(record)
            }
            let now = Instant(Date())
            let revealed = try await services.reader.reveal(
                records, of: person, viewer: actor, viewerID: actor.ledgerName, purpose: purpose, channel: .cli,
                envelope: CommandEnvelope(
                    commandID: .commandID(issuedAt: now), actor: actor, occurredAt: now,
                    fingerprint: "cus views show ResidentTimeline"))
            var withPersonal: [ViewRow] = []
            for (event, opened) in zip(events, revealed) {
                let personal = try opened.personalJSON(encoder: encoder).map {
                    ViewValue.json(String(decoding: $0, as: UTF8.self))
                }
                withPersonal.append(ViewRow(event.cells + [("personal", personal ?? .null)]))
            }
            revealedRows.append(
                ViewRow(row.cells.map { $0.column == "events" ? ($0.column, .rows(withPersonal)) : $0 }))
        }
        return revealedRows
    }
}
