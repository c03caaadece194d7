public import Domain
import Foundation
public import Ledger

/// The facts of `cus audit report` for a period [from, to) (local dates, Europe/Warsaw), all as of one signed
/// checkpoint: what was verified, what happened (counts per type and role), which decisions were issued, which
/// erasures were made on which legal basis, which compliance anomalies were raised and which rule sets were in
/// force. `html` is a self-contained printable page.
public struct AuditReport: Sendable {
    public struct Decision: Sendable, Equatable {
        public var position: UInt64
        public var recordedAt: String
        public var type: String
        public var refs: [String]
        public var ruleSetVersion: String
    }

    public struct Erasure: Sendable, Equatable {
        public var position: UInt64
        public var recordedAt: String
        public var reason: String
        public var legalBasis: String
    }

    /// One compliance alert raised in the period (ComplianceAlerts view): kind, subject, raised on, rule, status.
    public struct Anomaly: Sendable, Equatable {
        public var kind: String
        public var subject: String
        public var raisedAt: String
        public var rule: String
        public var status: String

        public init(kind: String, subject: String, raisedAt: String, rule: String, status: String) {
            self.kind = kind
            self.subject = subject
            self.raisedAt = raisedAt
            self.rule = rule
            self.status = status
        }
    }

    public var from: LocalDate
    public var to: LocalDate
    public var checkpoint: SignedCheckpoint
    public var verification: VerificationReport
    public var countsByType: [(String, UInt64)] = []
    public var countsByRole: [(String, UInt64)] = []
    public var decisions: [Decision] = []
    public var erasures: [Erasure] = []
    public var anomalies: [Anomaly] = []
    public var ruleSets: [RuleSet] = []

    /// Gathers the period's events among the checkpoint's `size` events and the rule sets in force.
    public static func make(
        ledger: Ledger, checkpoint: SignedCheckpoint, verification: VerificationReport, from: LocalDate,
        to: LocalDate, ruleBook: RuleBook
    ) throws -> AuditReport {
        var report = AuditReport(from: from, to: to, checkpoint: checkpoint, verification: verification)
        let start = Instant(startOf: from).microsecondsSinceEpoch
        let end = Instant(startOf: to).microsecondsSinceEpoch
        var byType: [String: UInt64] = [:]
        var byRole: [String: UInt64] = [:]
        try AuditTimeline.scan(ledger, upTo: checkpoint.checkpoint.size) { entry in
            let at = entry.effectiveMicroseconds
            guard at >= start, at < end else { return }
            byType[entry.record.type.name, default: 0] += 1
            byRole[entry.actorRole ?? "(not a domain event)", default: 0] += 1
            let position = entry.record.position.rawValue
            let date = RFC3339.format(entry.record.recordedAt)
            if !entry.decisionRefs.isEmpty {
                report.decisions.append(
                    Decision(
                        position: position, recordedAt: date, type: entry.record.type.name, refs: entry.decisionRefs,
                        ruleSetVersion: entry.ruleSetVersion ?? "–"))
            }
            if entry.record.type.name == PersonalDataErased.eventType, let json = entry.clearJSON {
                let event = (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["event"]
                let fields = event as? [String: Any] ?? [:]
                report.erasures.append(
                    Erasure(
                        position: position, recordedAt: date, reason: fields["reason"] as? String ?? "–",
                        legalBasis: fields["legalBasisRef"] as? String ?? "–"))
            }
        }
        report.countsByType = byType.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        report.countsByRole = byRole.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        report.ruleSets = ruleBook.ruleSets.filter { set in
            set.effectiveFrom < to && (set.effectiveTo.map { $0 > from } ?? true)
        }
        return report
    }

    public var html: String {
        let size = checkpoint.checkpoint.size
        var body = "<h1>Raport kontrolny rejestru CUS</h1>\n"
        body +=
            "<p>Okres: \(AuditHTML.escape(from.description)) – \(AuditHTML.escape(to.description)) (bez dnia końcowego), "
        body += "stan rejestru według podpisanego punktu kontrolnego.</p>\n<h2>Punkt kontrolny i weryfikacja</h2>\n"
        let result =
            verification.ok
            ? "<span class=\"ok\">POPRAWNY</span>"
            : "<span class=\"bad\">BŁĘDY: \(verification.problemCount), pierwsza zła pozycja "
                + "\(verification.firstBadPosition.map(String.init) ?? "–")</span>"
        body += AuditHTML.facts(
            [
                ("Pochodzenie", checkpoint.checkpoint.origin), ("Rozmiar (zdarzenia)", String(size)),
                ("Korzeń (hex)", checkpoint.checkpoint.root.hex),
                ("Podpisy", checkpoint.note.signatures.map(\.name).joined(separator: ", ")),
                ("Sprawdzone punkty kontrolne", String(verification.checkpointsVerified)),
            ], mono: ["Korzeń (hex)"])
        body += "<p>Wynik weryfikacji (<code>cus ledger verify</code>): \(result)</p>\n"
        body += "<pre class=\"mono\">\(AuditHTML.escape(checkpoint.text))</pre>\n"
        body += "<h2>Zdarzenia według typu</h2>\n"
        body += AuditHTML.table(["Typ", "Liczba"], countsByType.map { [$0.0, String($0.1)] })
        body += "<h2>Zdarzenia według roli wykonawcy</h2>\n"
        body += AuditHTML.table(["Rola", "Liczba"], countsByRole.map { [$0.0, String($0.1)] })
        body += "<h2>Wydane decyzje</h2>\n"
        body += AuditHTML.table(
            ["Pozycja", "Zapisano", "Typ", "Numer decyzji", "Wersja przepisów"],
            decisions.map {
                [String($0.position), $0.recordedAt, $0.type, $0.refs.joined(separator: ", "), $0.ruleSetVersion]
            })
        body += "<h2>Usunięcia danych osobowych</h2>\n"
        body += AuditHTML.table(
            ["Pozycja", "Zapisano", "Przyczyna", "Podstawa prawna"],
            erasures.map { [String($0.position), $0.recordedAt, $0.reason, $0.legalBasis] })
        body += "<h2>Nieprawidłowości (alerty zgodności)</h2>\n"
        body += AuditHTML.table(
            ["Rodzaj", "Dotyczy", "Od", "Przepis", "Stan"],
            anomalies.map { [$0.kind, $0.subject, $0.raisedAt, $0.rule, $0.status] })
        body += "<h2>Obowiązujące zestawy przepisów</h2>\n"
        body += AuditHTML.table(
            ["Zestaw", "Wersja", "Od", "Do", "Źródło"],
            ruleSets.map {
                [$0.ruleSetId, $0.version, $0.effectiveFrom.description, $0.effectiveTo?.description ?? "–", $0.source]
            })
        return AuditHTML.page(title: "Raport kontrolny CUS \(from) – \(to), rozmiar \(size)", body: body)
    }
}
