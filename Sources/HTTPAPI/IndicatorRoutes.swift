import Ledger
import Commands
import HTTPTypes
import Domain
import Foundation
import Hummingbird
import Logging
import Projections

/// `GET /v1/programmes/{programmeId}/indicators?from=&to=[&asOfSize=N|&asOf=DATE]`: the M&E indicators of
/// `cus metrics` (domain.md §6), always small-cell suppressed (§6.3), live from the engine's projections or built
/// as of a cutoff beside them.
struct IndicatorRoutes {
    let server: APIServer

    func register(on router: Routes) {
        router.get("/v1/programmes/:programmeId/indicators") { request, context in
            try await indicators(request, context)
        }
    }

    struct Indicator: Encodable {
        var id: String
        var name: String
        var statistic: String
        var variant: String?
        var breakdown: [String: String]
        var value: Double?
        var numerator: Int64?
        var denominator: Int64?
        var suppressed: Bool
        var display: String?

        init(_ value: IndicatorValue) {
            id = value.id
            name = value.name
            statistic = value.statistic.rawValue
            variant = value.variant
            breakdown = value.breakdown
            self.value = value.value
            numerator = value.numerator
            denominator = value.denominator
            suppressed = value.suppressed
            display = value.display
        }
    }

    struct Report: Encodable {
        var programme: String
        var from: String
        var to: String
        var checkpoint: UInt64
        var root: String
        var indicatorVersion: Int
        var ruleSetVersion: String
        var indicators: [Indicator]

        init(_ report: MetricsReport) {
            programme = report.programme.description
            from = report.period.from.description
            to = report.period.to.description
            checkpoint = report.cutoff.size
            root = report.cutoff.root
            indicatorVersion = report.indicatorVersion
            ruleSetVersion = report.ruleSetVersion
            indicators = report.indicators.map(Indicator.init)
        }
    }

    func indicators(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard AccessPolicy.mayReadIndicators(principal.role) else { throw Problem.forbidden }
        let programme = try pathIdentifier(context, "programmeId", ProgrammeID.self)
        let query = QueryParameters(request: request)
        let selection = try Selection(query)
        try selection.checkCutoff(for: principal.role)
        try requireAdopted(programme)
        try await QueryRoutes(server: server).waitForMinPosition(query)
        let json = try translatingErrors {
            let key = try cacheKey(.init(programme: programme, periods: [selection.period]), selection: selection)
            return try server.indicatorReports.json(key, compute: { try compute(key) }) {
                JSONBody.encode(Report($0))
            }
        }
        return JSONBody.response(jsonBytes: json)
    }

    /// 404 for a programme the council never adopted: its indicators would be zeros, not a measurement.
    private func requireAdopted(_ programme: ProgrammeID) throws(Problem) {
        let adopted: Bool
        do { adopted = try server.services.facts.programme(programme).programmeId != nil } catch {
            throw CommandRoutes.problem(error)
        }
        guard adopted else { throw Problem.notFound }
    }

    /// What a request selects: the period [from, to) and an optional cutoff (`asOfSize` or `asOf`, not both).
    struct Selection {
        var period: MetricsPeriod
        var asOfSize: UInt64?
        var asOf: LocalDate?
        /// `?minPosition=N`: a live answer must reflect position N, so no cached report older than that serves.
        var minPosition: UInt64?

        /// Measured on the live facts: no `asOfSize` or `asOf`.
        var isLive: Bool { asOfSize == nil && asOf == nil }

        init(_ query: QueryParameters) throws(Problem) {
            guard let from = try query.date("from"), let to = try query.date("to") else {
                throw Problem.invalidRequest("from and to are required (YYYY-MM-DD; the period is [from, to))")
            }
            try self.init(from: from, to: to, asOfSize: try query.unsigned("asOfSize"), asOf: try query.date("asOf"))
            minPosition = try query.unsigned("minPosition")
        }

        init(from: LocalDate, to: LocalDate, asOfSize: UInt64?, asOf: LocalDate?) throws(Problem) {
            guard from < to else { throw Problem.invalidRequest("to must be after from") }
            if asOfSize != nil && asOf != nil { throw Problem.invalidRequest("give asOfSize or asOf, not both") }
            period = MetricsPeriod(from: from, to: to)
            if let refusal = period.refusal { throw Problem.invalidRequest(refusal) }
            self.asOfSize = asOfSize
            self.asOf = asOf
        }

        /// Refuses an evaluator's cutoff anywhere but at the end of a month (ADR 0027). Suppression protects one
        /// answer, not the difference of two: reports a few events apart differ by exactly what those events
        /// changed in every cell (a new resident's sex, age band and district), and halving the distance between
        /// two ledger sizes pins a change to one event. An evaluator therefore measures live or as of a month's
        /// last day, so two answers differ by a month of the centre's work at the least; staff and auditors, who
        /// may read the events themselves, keep every cutoff. The month must have ended (in Europe/Warsaw): the end
        /// of this month or a later one would cut at the ledger's current size, an exact size the evaluator picks
        /// by timing. `minPosition` is not theirs either: it would force a fresh live report at a chosen event.
        func checkCutoff(for role: APIRole, today: LocalDate = Instant(Date()).localDate) throws(Problem) {
            guard role == .evaluator else { return }
            if minPosition != nil {
                throw Problem.forbidden(
                    because: "an evaluator's answers are not pinned to a ledger position (minPosition)")
            }
            if let asOf, asOf >= today {
                throw Problem.forbidden(because: "an evaluator's asOf is a month's last day, of a month that has ended")
            }
            if asOfSize != nil {
                throw Problem.forbidden(
                    because: "an evaluator measures live or as of a month's last day (asOf), never at a ledger size")
            }
            if let asOf, asOf.adding(days: 1).components.day != 1 {
                throw Problem.forbidden(because: "an evaluator's asOf is a month's last day, e.g. 2025-04-30")
            }
        }
    }

    /// The suppressed reports of `programme` for each of `periods`, all from one read of its facts (live, or as
    /// of the selection's cutoff): the JSON answer, the dashboard's table and its monthly trend. Cached per cutoff
    /// (`IndicatorReportCache`).
    func reports(programme: ProgrammeID, periods: [MetricsPeriod], selection: Selection) throws -> [MetricsReport] {
        try translatingErrors {
            let key = try cacheKey(.init(programme: programme, periods: periods), selection: selection)
            return try server.indicatorReports.reports(key) { try compute(key) }
        }
    }

    /// What fixes the reports: the selection's cutoff, or for a live one the newest live report of the same
    /// programme and periods that may still answer (`IndicatorReportCache.live`, after `minPosition`), else the
    /// live MetricsFacts checkpoint. The answer names the cutoff it reflects either way. A live report past
    /// `APILimits.indicatorStaleness` (but within twice that) still answers while one request refreshes it in the
    /// background, so a busy dashboard never waits for a computation.
    func cacheKey(_ series: IndicatorReportCache.Series, selection: Selection) throws -> IndicatorReportCache.Key {
        let staleness = server.limits.indicatorStaleness
        if selection.isLive, staleness > .zero,
            let recent = server.indicatorReports.live(series, above: selection.minPosition ?? 0, within: staleness)
        {
            if recent.refresh { refreshInBackground(series) }
            return IndicatorReportCache.Key(series: series, size: recent.size, live: true)
        }
        let cutoff = try cutoffSize(selection)
        return IndicatorReportCache.Key(series: series, size: cutoff.size, live: cutoff.live)
    }

    /// Computes the live report of `series` at the live checkpoint, off the request, into the cache. A failure is
    /// logged; the cached report goes on answering until it is past twice the bound, when a request computes
    /// (and reports any failure) itself.
    private func refreshInBackground(_ series: IndicatorReportCache.Series) {
        let routes = self
        Task.detached(priority: .utility) {
            defer { routes.server.indicatorReports.finishRefresh(series) }
            do {
                let key = IndicatorReportCache.Key(series: series, size: try routes.liveCutoff(), live: true)
                _ = try routes.server.indicatorReports.reports(key) { try routes.compute(key) }
            } catch {
                routes.server.logger.warning(
                    "indicator report refresh failed",
                    metadata: ["programme": "\(series.programme)", "error": "\(error)"])
            }
        }
    }

    func compute(_ key: IndicatorReportCache.Key) throws -> [MetricsReport] {
        let (facts, cutoff) = try read(programme: key.series.programme, size: key.size, live: key.live)
        return try key.series.periods.map { period in
            try MetricsReport(
                facts: facts, programme: key.series.programme, period: period, cutoff: cutoff,
                ruleBook: server.configuration.ruleBook)
        }
    }

    /// Storage and rule-book failures as the API's problems.
    func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let problem as Problem {
            throw problem
        } catch let error as ProjectionError {
            throw QueryRoutes.problem(error)
        } catch is RuleBookError {
            throw Problem.invalidRequest("no rule set is in force on from; indicators need one")
        }
    }

    /// The ledger size the selection measures: `asOfSize`, the end of the `asOf` day, or the live MetricsFacts
    /// checkpoint.
    func cutoffSize(_ selection: Selection) throws -> (size: UInt64, live: Bool) {
        let ledger = server.services.ledger
        var size = selection.asOfSize
        if let asOf = selection.asOf {
            size = try AsOfBuild.size(
                endOf: asOf, timeZone: TimeZone(identifier: "Europe/Warsaw") ?? .gmt, ledger: ledger)
        }
        if let size {
            guard size <= (try ledger.treeSize()) else {
                throw Problem.invalidRequest("asOfSize is beyond the ledger's size")
            }
            guard size > 0 else { throw Problem.invalidRequest("the cutoff holds no events: nothing to measure") }
            return (size, false)
        }
        return (try liveCutoff(), true)
    }

    /// The live MetricsFacts checkpoint: the cutoff of a live report.
    func liveCutoff() throws -> UInt64 {
        try server.projectionsStore.readWithCheckpoint(MetricsFactsProjection.self) { _ in () }.checkpoint
    }

    /// Live: the facts the engine keeps (at least as new as `size`). As of `size`: built beside them.
    func read(programme: ProgrammeID, size: UInt64, live: Bool) throws -> (MetricsFacts, AsOfBuild.Cutoff) {
        let ledger = server.services.ledger
        let ruleBook = server.configuration.ruleBook
        let dimension = MetricsFactsView.dimensions(among: server.engine.projections)
        guard live else {
            return try server.cutoffBuilds.run {
                let build = try AsOfBuild.build(
                    [MetricsFactsProjection()] + dimension, ledger: ledger, size: size,
                    under: server.configuration.ledgerOptions.dataDirectory)
                defer { build.remove() }
                let facts = try MetricsFactsView.facts(
                    in: build.store, programme: programme, ruleBook: ruleBook, withAttributes: !dimension.isEmpty)
                return (facts, build.cutoff)
            }
        }
        let facts = try MetricsFactsView.facts(
            in: server.projectionsStore, programme: programme, ruleBook: ruleBook, withAttributes: !dimension.isEmpty)
        return (facts, AsOfBuild.Cutoff(size: size, root: try ledger.root(atSize: size).hex))
    }
}
