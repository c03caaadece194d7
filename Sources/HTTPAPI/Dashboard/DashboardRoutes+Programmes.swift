import Commands
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import Projections

/// The programme dashboard: the M&E indicators of `GET /v1/programmes/{id}/indicators` (the same reports, always
/// suppressed), grouped as domain.md §6.2, with a monthly trend per indicator and a CSV of the same cells.
extension DashboardRoutes {
    static let programmesMax = 200
    /// The longest range the page draws a monthly trend for.
    static let trendMonthsMax = 36

    func programmes(_ visit: Visit) throws -> Response {
        try DashboardPage.programmes.require(visit)
        let items = try adoptedProgrammes().map { id, state -> [String: Any] in
            let period = state.activePeriod.map { "\($0.lowerBound) – \($0.upperBound)" } ?? ""
            return ["href": "/ui/programmes/\(id)", "title": state.title ?? id.description, "period": period]
        }
        return try render(
            "programmes", title: DashboardLabels.text("programmes", visit.language), visit: visit,
            values: ["items": items])
    }

    /// Every adopted programme, from the ledger's `ProgrammeAdopted` events folded by the command side's facts.
    func adoptedProgrammes() throws(Problem) -> [(ProgrammeID, ProgrammeState)] {
        do {
            let adopted = try server.services.ledger.read(
                type: try EventType(ProgrammeAdopted.eventType), from: Position(0), limit: Self.programmesMax)
            return try adopted.compactMap { event -> (ProgrammeID, ProgrammeState)? in
                guard let id = ProgrammeID(event.stream.id.description) else { return nil }
                return (id, try server.services.facts.programme(id))
            }
        } catch {
            throw Problem.reading(error, "the ledger could not be read")
        }
    }

    func programme(_ visit: Visit, _ context: APIRequestContext) async throws -> Response {
        try DashboardPage.programmes.require(visit)
        let programme = try pathIdentifier(context, "programmeId", ProgrammeID.self)
        let state: ProgrammeState
        do { state = try server.services.facts.programme(programme) } catch {
            throw Problem.reading(error, "the ledger could not be read")
        }
        guard state.isAdopted else { throw Problem.notFound }
        let selection = try pageSelection(
            visit.request, programmeEnd: state.activePeriod?.upperBound)
        try selection.checkCutoff(for: visit.principal.role)
        let months = Self.months(in: selection.period)
        guard months.count <= Self.trendMonthsMax else {
            throw Problem.invalidRequest("the period may span at most \(Self.trendMonthsMax) months")
        }
        let reports = try IndicatorRoutes(server: server).reports(
            programme: programme, periods: [selection.period] + months, selection: selection)
        let total = reports[0]
        let monthly = Array(reports.dropFirst())
        let language = visit.language
        let totals = total.indicators.filter(\.breakdown.isEmpty)
        // Grouped and ordered by id (domain.md §6.2); the sort is stable, so an indicator's statistics keep their order.
        let ordered = totals.enumerated().sorted { ($0.element.id, $0.offset) < ($1.element.id, $1.offset) }.map(
            \.element)
        let rows = ordered.map { cell -> [String: Any] in
            let trend = Self.secondarySuppressed(
                monthly.map { report -> SVGChart.Bar in
                    let same = report.indicators.first { $0.isSameTotal(as: cell) }
                    return SVGChart.Bar(
                        label: Self.monthLabel(report.period.from), value: same?.suppressed == true ? nil : same?.value,
                        marker: same?.display)
                }, beside: cell)
            let name = DashboardLabels.code("indicator", cell.id, language)
            return [
                "id": cell.id, "name": name == cell.id ? cell.name : name,
                "statistic": Self.statisticLabel(cell, language),
                "value": Self.display(cell), "suppressed": cell.suppressed,
                "numerator": cell.suppressed ? "" : cell.numerator.map { SVGChart.format(Double($0)) } ?? "",
                "denominator": cell.suppressed ? "" : cell.denominator.map { SVGChart.format(Double($0)) } ?? "",
                "chart": SVGChart.bars(trend, title: "\(cell.id) \(name): \(DashboardLabels.text("trend", language))"),
                "group": String(cell.id.prefix(1)),
            ]
        }
        let groups = ["R", "A", "P", "D", "V", "F", "C", "O", "E"].compactMap { key -> [String: Any]? in
            let members = rows.filter { $0["group"] as? String == key }
            guard !members.isEmpty else { return nil }
            return ["key": key, "name": DashboardLabels.code("group", key, language), "rows": members]
        }
        let path = "/ui/programmes/\(programme)"
        var csvQuery = "from=\(selection.period.from)&to=\(selection.period.to)"
        if let asOf = selection.asOf { csvQuery += "&asOf=\(asOf)" }
        return try render(
            "programme", title: state.title ?? programme.description, visit: visit,
            values: [
                "action": path, "from": selection.period.from.description, "to": selection.period.to.description,
                "asOf": selection.asOf?.description ?? "", "checkpoint": total.cutoff.size,
                "ruleSet": total.ruleSetVersion, "csvHref": path + "/indicators.csv?" + csvQuery, "groups": groups,
            ])
    }

    /// The trend with its secondary suppression (domain.md §6.3 rule 5) against the period's total shown above it:
    /// when exactly one month is hidden, the smallest month shown that is not zero is hidden too (a zero hides
    /// nothing: it is shown by rule 1), so the total less the months shown is the sum of two hidden months.
    static func secondarySuppressed(_ bars: [SVGChart.Bar], beside total: IndicatorValue) -> [SVGChart.Bar] {
        guard !total.suppressed, bars.count(where: { $0.value == nil && $0.marker != nil }) == 1,
            let smallest = bars.indices.filter({ (bars[$0].value ?? 0) != 0 }).min(by: {
                (bars[$0].value ?? 0) < (bars[$1].value ?? 0)
            })
        else { return bars }
        var suppressed = bars
        suppressed[smallest].value = nil
        suppressed[smallest].marker = Suppression.secondaryDisplay
        return suppressed
    }

    /// The CSV of every cell of the JSON answer for the same selection (breakdowns included), field for field.
    func indicatorsCSV(_ visit: Visit, _ context: APIRequestContext) async throws -> Response {
        try DashboardPage.programmes.require(visit)
        let programme = try pathIdentifier(context, "programmeId", ProgrammeID.self)
        let selection = try IndicatorRoutes.Selection(QueryParameters(request: visit.request))
        try selection.checkCutoff(for: visit.principal.role)
        let report = try IndicatorRoutes(server: server).reports(
            programme: programme, periods: [selection.period], selection: selection)[0]
        var lines = [
            "id,name,statistic,variant,breakdown,value,numerator,denominator,suppressed,display,checkpoint,root"
        ]
        for cell in IndicatorRoutes.Report(report).indicators {
            let breakdown = cell.breakdown.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                .joined(separator: ";")
            let fields: [String] = [
                cell.id, cell.name, cell.statistic, cell.variant ?? "", breakdown, cell.value.map(Self.number) ?? "",
                cell.numerator.map { String($0) } ?? "", cell.denominator.map { String($0) } ?? "",
                String(cell.suppressed), cell.display ?? "", String(report.cutoff.size), report.cutoff.root,
            ]
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        let name = "indicators-\(programme)-\(selection.period.from)-\(selection.period.to).csv"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\r\n") + "\r\n")))
    }

    /// The page's selection: the one of the JSON API when `from` and `to` are given, else six months up to and
    /// including the month of the latest business activity (the newest event's `occurredAt`, never after today
    /// or the programme's end), so a centre whose ledger stops earlier still opens on its data. An empty `asOf`
    /// (the form's blank field) means live.
    func pageSelection(_ request: Request, programmeEnd: LocalDate?) throws(Problem) -> IndicatorRoutes.Selection {
        let query = QueryParameters(request: request)
        let asOf = try Self.optionalDate(query, "asOf")
        let from = try Self.optionalDate(query, "from")
        let to = try Self.optionalDate(query, "to")
        if from == nil && to == nil {
            let last = [server.today(), programmeEnd, latestBusinessDay()].compactMap { $0 }.min() ?? server.today()
            let end = Self.monthStart(last).adding(months: 1)
            return try .init(from: end.adding(months: -6), to: end, asOfSize: nil, asOf: asOf)
        }
        guard let from, let to else { throw Problem.invalidRequest("give both from and to, or neither") }
        return try .init(from: from, to: to, asOfSize: nil, asOf: asOf)
    }

    /// The business day of the ledger's newest event (its clear context only), nil for an empty ledger.
    func latestBusinessDay() -> LocalDate? {
        let ledger = server.services.ledger
        guard let size = try? ledger.treeSize(), size > 0, let event = try? ledger.event(at: Position(size - 1)),
            let decoded = try? StreamLoader.decode(event)
        else { return nil }
        return decoded.context.occurredAt.localDate
    }

    /// A date parameter where a form's blank field means "not given".
    static func optionalDate(_ query: QueryParameters, _ name: String) throws(Problem) -> LocalDate? {
        guard let text = try query.text(name), !text.isEmpty else { return nil }
        guard let date = LocalDate(text) else { throw Problem.invalidRequest("\(name) must be a date YYYY-MM-DD") }
        return date
    }

    /// The calendar months [from, to) is made of, each clipped to the period.
    static func months(in period: MetricsPeriod) -> [MetricsPeriod] {
        var months: [MetricsPeriod] = []
        var start = period.from
        while start < period.to && months.count <= trendMonthsMax {
            let next = monthStart(start).adding(months: 1)
            months.append(MetricsPeriod(from: start, to: min(next, period.to)))
            start = next
        }
        return months
    }

    static func monthStart(_ date: LocalDate) -> LocalDate {
        let parts = date.components
        return LocalDate(year: parts.year, month: parts.month, day: 1) ?? date
    }

    static func monthLabel(_ date: LocalDate) -> String { String(date.description.prefix(7)) }

    static func statisticLabel(_ cell: IndicatorValue, _ language: DashboardLanguage) -> String {
        let statistic = DashboardLabels.code("statistic", cell.statistic.rawValue, language)
        return cell.variant.map { "\(statistic) (\(DashboardLabels.code("variant", $0, language)))" } ?? statistic
    }

    /// A cell as the page shows it: the suppression marker, a ratio as a percentage, others as numbers.
    static func display(_ cell: IndicatorValue) -> String {
        if let display = cell.display { return display }
        guard let value = cell.value else { return "–" }
        if cell.statistic == .ratio { return String(format: "%.1f%%", value * 100) }
        return SVGChart.format(value)
    }

    /// A number as JSON writes it: integers without a fraction, others in Swift's shortest round-trip form.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension IndicatorValue {
    /// The total (no breakdown) cell of the same indicator, statistic and variant.
    func isSameTotal(as other: IndicatorValue) -> Bool {
        id == other.id && statistic == other.statistic && variant == other.variant && breakdown.isEmpty
    }
}
