import Commands
import Foundation
import Hummingbird
import Ledger
import Projections

/// Ledger health for the operator and auditor: the size, the newest signed checkpoint checked against the
/// ledger's own verifier key and root, and each projection's state, version and lag (`GET /v1/status`).
extension DashboardRoutes {
    enum CheckpointCheck: String {
        case ok, badSignature, badRoot, noKey, none
    }

    func ledger(_ visit: Visit) throws -> Response {
        try DashboardPage.ledger.require(visit)
        let language = visit.language
        let ledger = server.services.ledger
        let status = try OperationsRoutes(server: server).statuses()
        let checkpoint: SignedCheckpoint?
        let check: CheckpointCheck
        do {
            checkpoint = try ledger.newestCheckpoint()
            check = try Self.check(checkpoint, ledger: ledger)
        } catch {
            throw Problem.reading(error, "the ledger could not be read")
        }
        var facts: [[String: String]] = [
            ["label": DashboardLabels.text("ledgerSize", language), "value": String(status.ledgerSize)]
        ]
        if let checkpoint {
            facts.append(
                [
                    "label": DashboardLabels.text("checkpointSize", language),
                    "value": String(checkpoint.checkpoint.size),
                ])
            facts.append(
                [
                    "label": DashboardLabels.text("unsignedEvents", language),
                    "value": String(status.ledgerSize - min(checkpoint.checkpoint.size, status.ledgerSize)),
                ])
            facts.append(
                [
                    "label": DashboardLabels.text("root", language), "value": checkpoint.checkpoint.root.base64,
                    "className": "mono",
                ])
        }
        facts.append(
            [
                "label": DashboardLabels.text("verifyStatus", language),
                "value": DashboardLabels.code("verify", check.rawValue, language),
                "className": check == .ok ? "ok" : (check == .none ? "" : "bad"), "wide": "wide",
            ])
        let projections = status.projections.map { projection -> [String: String] in
            [
                "name": projection.name, "version": String(projection.version),
                "builtVersion": projection.builtVersion.map { String($0) } ?? "–",
                "stateCode": projection.state.rawValue,
                "state": DashboardLabels.code("state", projection.state.rawValue, language),
                "checkpoint": String(projection.checkpoint), "lagEvents": String(projection.lagEvents),
                "lagSeconds": projection.lagSeconds.map { String(format: "%.1f", $0) } ?? "–",
                "rebuild": projection.rebuildCheckpoint.map { "\($0) / \(status.ledgerSize)" } ?? "–",
            ]
        }
        return try render(
            "ledger", title: DashboardLabels.text("ledger", language), visit: visit,
            values: ["facts": facts, "projections": projections, "checkpointText": checkpoint?.text as Any])
    }

    /// The newest checkpoint's signature under the verifier key recorded when the ledger was made, and its root
    /// against the ledger's own root at the checkpoint's size.
    static func check(_ checkpoint: SignedCheckpoint?, ledger: Ledger) throws -> CheckpointCheck {
        guard let checkpoint else { return .none }
        guard let key = try ledger.recordedVerifierKey() else { return .noKey }
        do { try checkpoint.verify(with: try NoteVerifier(verifierKey: key)) } catch { return .badSignature }
        let size = checkpoint.checkpoint.size
        guard size <= (try ledger.treeSize()), try ledger.root(atSize: size) == checkpoint.checkpoint.root else {
            return .badRoot
        }
        return .ok
    }
}
