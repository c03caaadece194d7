import Commands
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import Projections

/// Plans and providers: the PlanStatusView and ProviderWorkload rows of `GET /v1/views/…`, read and scoped by
/// `QueryRoutes` exactly as the JSON API does (a coordinator sees their caseload, provider staff their own
/// provider). Pages show no `personRef` or `householdRef`, and a plan's timeline shows event types, times and
/// positions, never payloads.
extension DashboardRoutes {
    static let timelineEventsMax = 500

    func plans(_ visit: Visit) throws -> Response {
        let (rows, checkpoint) = try scopedRows(PlanStatusProjection.name, page: .plans, visit: visit, key: nil)
        let query = QueryParameters(request: visit.request)
        let page = try query.page(server.limits)
        let status = try query.text("status").flatMap { $0.isEmpty ? nil : $0 }
        if let status, PlanState.Status(rawValue: status) == nil {
            throw Problem.invalidRequest("status must be one of the plan statuses")
        }
        let flaggedOnly = try query.text("flagged") == "1"
        let selected = rows.filter { row in
            (status == nil || row["status"] == .string(status ?? ""))
                && (!flaggedOnly || !Self.flags(row, visit.language).isEmpty)
        }
        let slice = Array(selected.dropFirst(page.offset).prefix(page.limit))
        let language = visit.language
        let items = slice.map { row -> [String: Any] in
            let id = Self.text(row["planId"])
            let units = Self.items(row).reduce(into: (delivered: 0.0, authorised: 0.0)) { sum, item in
                sum.delivered += Self.double(item["unitsDelivered"])
                sum.authorised += Self.double(item["unitsAuthorised"])
            }
            return [
                "href": "/ui/plans/\(id)", "shortId": String(id.prefix(8)),
                "status": DashboardLabels.code("status", Self.text(row["status"]), language),
                "filedAt": Self.text(row["applicationFiledAt"]), "approvedAt": Self.text(row["approvedAt"]),
                "daysToPlan": Self.text(row["daysToPlan"]), "start": Self.text(row["start"]),
                "end": Self.text(row["end"]),
                "units": "\(SVGChart.format(units.delivered)) / \(SVGChart.format(units.authorised))",
                "flags": Self.flags(row, language),
            ]
        }
        let statuses = PlanState.Status.allCases.map { option -> [String: Any] in
            [
                "value": option.rawValue, "label": DashboardLabels.code("status", option.rawValue, language),
                "selected": option.rawValue == status,
            ]
        }
        let next = page.offset + slice.count
        var values: [String: Any] = [
            "rows": items, "statuses": statuses, "flagged": flaggedOnly, "checkpoint": checkpoint,
            "total": selected.count, "first": slice.isEmpty ? 0 : page.offset + 1, "last": next,
        ]
        if page.offset > 0 {
            values["previousHref"] = Self.link(
                visit.request, setting: ["offset": String(max(page.offset - page.limit, 0))])
        }
        if next < selected.count { values["nextHref"] = Self.link(visit.request, setting: ["offset": String(next)]) }
        return try render("plans", title: DashboardLabels.text("plans", language), visit: visit, values: values)
    }

    func plan(_ visit: Visit, _ context: APIRequestContext) throws -> Response {
        try DashboardPage.plans.require(visit)
        let id = try pathIdentifier(context, "planId", PlanID.self)
        let (rows, _) = try scopedRows(PlanStatusProjection.name, page: .plans, visit: visit, key: id.description)
        guard let row = rows.first else { throw Problem.notFound }
        let language = visit.language
        let facts = [
            ("status", DashboardLabels.code("status", Self.text(row["status"]), language)),
            ("planVersion", Self.text(row["planVersion"])), ("filedAt", Self.text(row["applicationFiledAt"])),
            ("approvedAt", Self.text(row["approvedAt"])), ("daysToPlan", Self.text(row["daysToPlan"])),
            ("start", Self.text(row["start"])), ("end", Self.text(row["end"])),
            ("goalsSet", Self.text(row["goalsSet"])), ("lastReviewAt", Self.text(row["lastReviewAt"])),
        ].map { ["label": DashboardLabels.text($0.0, language), "value": $0.1] }
        var names = ProviderNames(facts: server.services.facts)
        let items = Self.items(row).map { item -> [String: Any] in
            [
                "service": Self.itemLabel(item, language), "provider": names.name(Self.text(item["providerId"])),
                "planned": Self.text(item["unitsPlanned"]), "authorised": Self.text(item["unitsAuthorised"]),
                "delivered": Self.text(item["unitsDelivered"]), "missed": Self.text(item["unitsMissed"]),
            ]
        }
        let series = ["planned", "authorised", "delivered"]
        let groups = Self.items(row).map { item in
            SVGChart.Group(
                label: Self.itemLabel(item, language),
                values: ["unitsPlanned", "unitsAuthorised", "unitsDelivered"].map { Self.double(item[$0]) })
        }
        let chart = SVGChart.groupedBars(
            groups, series: series.map { DashboardLabels.text($0, language) },
            title: DashboardLabels.text("unitsChart", language))
        return try render(
            "plan", title: "\(DashboardLabels.text("plan", language)) \(id.description.prefix(8))", visit: visit,
            values: [
                "facts": facts, "flags": Self.flags(row, language), "items": items, "chart": chart,
                "events": try timeline(id, language),
            ])
    }

    /// The plan stream's events as type, business date, the actor's role, recorded time and position: only the
    /// clear context is decoded, never a sealed part, and no field of the event itself is shown.
    func timeline(_ plan: PlanID, _ language: DashboardLanguage) throws(Problem) -> [[String: String]] {
        do {
            let stream = try LedgerNames.stream(PlanDrafted.category, plan)
            return try server.services.ledger.read(
                stream: stream, from: nil, direction: .forward, limit: Self.timelineEventsMax
            ).map { event throws in
                let context = try StreamLoader.decode(event).context
                return [
                    "date": context.occurredAt.localDate.description,
                    "label": DashboardLabels.code("event", event.type.name, language), "type": event.type.name,
                    "actor": DashboardLabels.code("role", context.actorRole.rawValue, language),
                    "recordedAt": RFC3339.format(event.recordedAt).prefix(16).replacingOccurrences(of: "T", with: " "),
                    "position": String(event.position.rawValue),
                ]
            }
        } catch {
            throw Problem.reading(error, "the ledger could not be read")
        }
    }

    /// A plan item's service, or its kind when it names none (a supporting activity).
    static func itemLabel(_ item: ViewRow, _ language: DashboardLanguage) -> String {
        if case .string(let service) = item["serviceId"] { return service }
        return DashboardLabels.code("kind", text(item["kind"]), language)
    }

    /// The heat map shows every month; the table sums the selected month (all by default) per provider and
    /// service, so it stays one screen long.
    func providers(_ visit: Visit) throws -> Response {
        let (rows, checkpoint) = try scopedRows(
            ProviderWorkloadProjection.name, page: .providers, visit: visit, key: nil)
        let month = try QueryParameters(request: visit.request).text("month").flatMap { $0.isEmpty ? nil : $0 }
        var names = ProviderNames(facts: server.services.facts)
        let lines = rows.map { row in
            (
                key: WorkloadKey(
                    provider: names.name(Self.text(row["providerId"])), service: Self.text(row["serviceId"])),
                row: row
            )
        }
        let months = Array(Set(lines.map { Self.text($0.row["month"]) })).sorted()
        if let month, !months.contains(month) { throw Problem.invalidRequest("month must be one of the listed months") }
        var keys: [WorkloadKey] = []
        var cells: [WorkloadKey: [String: Double?]] = [:]
        var totals: [WorkloadKey: Workload] = [:]
        for line in lines {
            if cells[line.key] == nil { keys.append(line.key) }
            let lineMonth = Self.text(line.row["month"])
            cells[line.key, default: [:]][lineMonth] = Self.optionalDouble(line.row["utilisation"])
            if month == nil || month == lineMonth { totals[line.key, default: Workload()].add(line.row) }
        }
        let heatMap = SVGChart.heatMap(
            rows: keys.map { "\($0.provider) · \($0.service)" }, columns: months.map(SVGChart.shortMonth),
            cells: keys.map { key in months.map { cells[key]?[$0] ?? nil } },
            title: DashboardLabels.text("heatMap", visit.language))
        let table = keys.compactMap { key -> [String: Any]? in
            guard let total = totals[key] else { return nil }
            return [
                "provider": key.provider, "service": key.service,
                "capacity": SVGChart.format(total.capacity), "authorised": SVGChart.format(total.authorised),
                "delivered": SVGChart.format(total.delivered), "missed": SVGChart.format(total.missed),
                "utilisation": total.capacity > 0 ? SVGChart.percent(total.delivered / total.capacity) : "–",
                "fulfilment": total.authorised > 0 ? SVGChart.percent(total.delivered / total.authorised) : "–",
            ]
        }
        return try render(
            "providers", title: DashboardLabels.text("providers", visit.language), visit: visit,
            values: [
                "heatMap": heatMap, "rows": table, "checkpoint": checkpoint,
                "months": months.map { ["value": $0, "selected": $0 == month] },
            ])
    }

    struct WorkloadKey: Hashable {
        var provider: String
        var service: String
    }

    /// A provider and service's units summed over months.
    struct Workload {
        var capacity = 0.0
        var authorised = 0.0
        var delivered = 0.0
        var missed = 0.0

        mutating func add(_ row: ViewRow) {
            capacity += DashboardRoutes.double(row["capacity"])
            authorised += DashboardRoutes.double(row["unitsAuthorised"])
            delivered += DashboardRoutes.double(row["unitsDelivered"])
            missed += DashboardRoutes.double(row["unitsMissed"])
        }
    }

    /// A view's rows as `GET /v1/views/{name}` reads them for this principal: 403 for a role without the view,
    /// only its own rows for a scoped role.
    func scopedRows(_ view: String, page: DashboardPage, visit: Visit, key: String?) throws -> ([ViewRow], UInt64) {
        try page.require(visit)
        guard let scope = AccessPolicy.viewScope(visit.principal.role, view: view),
            let definition = ProjectionCatalogue.views.first(where: { $0.name == view })
        else { throw Problem.forbidden }
        let routes = QueryRoutes(server: server)
        let (rows, checkpoint) = try routes.read(definition, key: key, today: server.today())
        return (QueryRoutes.filter(rows, scope: scope, principal: visit.principal), checkpoint)
    }

    static func items(_ row: ViewRow) -> [ViewRow] {
        guard case .rows(let items) = row["items"] else { return [] }
        return items
    }

    /// The names of a plan row's warnings that are set, as labels.
    static func flags(_ row: ViewRow, _ language: DashboardLanguage) -> [String] {
        guard case .rows(let flags) = row["flags"], let first = flags.first else { return [] }
        return first.cells.filter { $0.value == .bool(true) }.map { DashboardLabels.code("flag", $0.column, language) }
    }

    static func text(_ value: ViewValue?) -> String {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .number(let number): SVGChart.format(number)
        case .bool(let flag): flag ? "✓" : "–"
        case .json, .rows, .null, nil: "–"
        }
    }

    static func optionalDouble(_ value: ViewValue?) -> Double? {
        switch value {
        case .int(let number): Double(number)
        case .number(let number): number
        default: nil
        }
    }

    static func double(_ value: ViewValue?) -> Double { optionalDouble(value) ?? 0 }
}

/// Provider names (organisations, not people) from the command side's facts, read once per page.
struct ProviderNames {
    let facts: DomainFacts
    private var known: [String: String] = [:]

    init(facts: DomainFacts) { self.facts = facts }

    mutating func name(_ id: String) -> String {
        if let name = known[id] { return name }
        let name = ProviderID(id).flatMap { try? facts.provider($0).name } ?? String(id.prefix(8))
        known[id] = name
        return name
    }
}
