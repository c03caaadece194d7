import Ledger
import Commands
import HTTPTypes
import Domain
import Foundation
import Hummingbird
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
    }

    func indicators(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard AccessPolicy.mayReadIndicators(principal.role) else { throw Problem.forbidden }
        let programme = try pathIdentifier(context, "programmeId", ProgrammeID.self)
        let query = QueryParameters(request: request)
        guard let from = try query.date("from"), let to = try query.date("to") else {
            throw Problem.invalidRequest("from and to are required (YYYY-MM-DD; the period is [from, to))")
        }
        guard from < to else { throw Problem.invalidRequest("to must be after from") }
        let asOfSize = try query.unsigned("asOfSize")
        let asOf = try query.date("asOf")
        if asOfSize != nil && asOf != nil { throw Problem.invalidRequest("give asOfSize or asOf, not both") }
        try await QueryRoutes(server: server).waitForMinPosition(query)
        let report: MetricsReport
        do {
            let (facts, cutoff) = try read(programme: programme, asOfSize: asOfSize, asOf: asOf)
            report = try MetricsReport(
                facts: facts, programme: programme, period: MetricsPeriod(from: from, to: to), cutoff: cutoff,
                ruleBook: server.configuration.ruleBook)
        } catch let problem as Problem {
            throw problem
        } catch let error as ProjectionError {
            throw QueryRoutes.problem(error)
        } catch is RuleBookError {
            throw Problem.invalidRequest("no rule set is in force on from; indicators need one")
        }
        return JSONBody.response(
            Report(
                programme: programme.description, from: from.description, to: to.description,
                checkpoint: report.cutoff.size, root: report.cutoff.root, indicatorVersion: report.indicatorVersion,
                ruleSetVersion: report.ruleSetVersion,
                indicators: report.indicators.map {
                    Indicator(
                        id: $0.id, name: $0.name, statistic: $0.statistic.rawValue, variant: $0.variant,
                        breakdown: $0.breakdown, value: $0.value, numerator: $0.numerator,
                        denominator: $0.denominator, suppressed: $0.suppressed, display: $0.display)
                }))
    }

    /// Live: the facts the engine keeps, at the MetricsFacts checkpoint. As of a cutoff: built beside them.
    func read(programme: ProgrammeID, asOfSize: UInt64?, asOf: LocalDate?) throws -> (MetricsFacts, AsOfBuild.Cutoff) {
        let ledger = server.services.ledger
        let ruleBook = server.configuration.ruleBook
        let dimension = MetricsFactsView.dimensions(among: server.engine.projections)
        var size = asOfSize
        if let asOf {
            size = try AsOfBuild.size(
                endOf: asOf, timeZone: TimeZone(identifier: "Europe/Warsaw") ?? .gmt, ledger: ledger)
        }
        if let size {
            guard size <= (try ledger.treeSize()) else {
                throw Problem.invalidRequest("asOfSize is beyond the ledger's size")
            }
            guard size > 0 else { throw Problem.invalidRequest("the cutoff holds no events: nothing to measure") }
            let build = try AsOfBuild.build(
                [MetricsFactsProjection()] + dimension, ledger: ledger, size: size,
                under: server.configuration.ledgerOptions.dataDirectory)
            defer { build.remove() }
            let facts = try MetricsFactsView.facts(
                in: build.store, programme: programme, ruleBook: ruleBook, withAttributes: !dimension.isEmpty)
            return (facts, build.cutoff)
        }
        let checkpoint = try server.projectionsStore.readWithCheckpoint(MetricsFactsProjection.self) { _ in () }
            .checkpoint
        let facts = try MetricsFactsView.facts(
            in: server.projectionsStore, programme: programme, ruleBook: ruleBook, withAttributes: !dimension.isEmpty)
        return (facts, AsOfBuild.Cutoff(size: checkpoint, root: try ledger.root(atSize: checkpoint).hex))
    }
}
