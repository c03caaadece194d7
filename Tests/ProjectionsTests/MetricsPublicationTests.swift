import Domain
import Foundation
import LedgerTesting
import Testing

@testable import Projections

@Suite("ProgrammeDashboard: reporting periods, published values frozen with their cutoff, revisions with deltas")
struct MetricsPublicationTests {
    let story = MetricsStory()
    let programme = ProgrammeID(uuid: UUID())

    func report(_ facts: MetricsFacts, size: UInt64, period: ReportingPeriod) throws -> MetricsReport {
        try MetricsReport(
            facts: facts, programme: programme, period: period.period,
            cutoff: AsOfBuild.Cutoff(size: size, root: String(repeating: "ab", count: 32)), ruleBook: .defaults)
    }

    @Test("Months, quarters, halves and years as [first day, first day after); anything else is refused")
    func periods() throws {
        let quarter = try #require(ReportingPeriod("2025-Q2"))
        #expect(quarter.kind == .quarter)
        #expect(quarter.period == MetricsPeriod(from: .on("2025-04-01"), to: .on("2025-07-01")))
        #expect(ReportingPeriod("2025-04")?.period == MetricsPeriod(from: .on("2025-04-01"), to: .on("2025-05-01")))
        #expect(ReportingPeriod("2025-12")?.period.to == .on("2026-01-01"))
        #expect(ReportingPeriod("2025-H1")?.period == MetricsPeriod(from: .on("2025-01-01"), to: .on("2025-07-01")))
        #expect(ReportingPeriod("2025-H2")?.period.to == .on("2026-01-01"))
        #expect(ReportingPeriod("2025")?.kind == .year)
        #expect(ReportingPeriod("2025")?.period == MetricsPeriod(from: .on("2025-01-01"), to: .on("2026-01-01")))
        for bad in ["2025-Q5", "2025-Q0", "2025-13", "2025-00", "2025-H3", "25", "2025-4", "2025-04-01", "", "x-Q1"] {
            #expect(ReportingPeriod(bad) == nil, "\(bad)")
        }
        #expect(story.april.months.count == 1)
        #expect(quarter.period.months.map(\.from) == [.on("2025-04-01"), .on("2025-05-01"), .on("2025-06-01")])
    }

    @Test("A publication is frozen; the same values publish nothing; changed values are the next revision")
    func revisions() throws {
        let directory = try TemporaryDirectory(prefix: "cus-published")
        defer { directory.remove() }
        let log = PublishedMetricsLog(dataDirectory: directory.path)
        let april = try #require(ReportingPeriod("2025-04"))
        #expect(try log.revisions(programme: programme, period: april).isEmpty)

        let first = try log.publish(
            try report(story.facts, size: 7, period: april), period: april, publishedAt: "2025-05-05T08:00:00Z")
        #expect(first.appended && first.revision.revision == 1)
        // A later cutoff with the same values: revision 1 stands, nothing is written.
        let same = try log.publish(
            try report(story.facts, size: 9, period: april), period: april, publishedAt: "2025-05-06T08:00:00Z")
        #expect(!same.appended && same.revision == first.revision)
        // A correction recorded later adds a delivery on 04-20 to a new person: R1 6 → 7.
        var corrected = story.facts
        corrected.deliveries.append(story.delivery(PersonRef(uuid: UUID()), "2025-04-20", "care", 2))
        let second = try log.publish(
            try report(corrected, size: 12, period: april), period: april, publishedAt: "2025-06-01T08:00:00Z")
        #expect(second.appended && second.revision.revision == 2)

        #expect(throws: ProjectionError.cutoffBeforePublished(asked: 10, published: 12)) {
            try log.publish(
                try report(story.facts, size: 10, period: april), period: april, publishedAt: "2025-06-02T08:00:00Z")
        }

        let revisions = try log.revisions(programme: programme, period: april)
        #expect(revisions.map(\.revision) == [1, 2])
        #expect(revisions[0] == first.revision, "revision 1 is read back as published, with its cutoff")
        #expect(revisions[0].cutoff.size == 7)
        #expect(revisions[1].cutoff.size == 12)
        #expect(revisions[0].cells.first { $0.id == "R1" && $0.breakdown.isEmpty }?.value == 6)
        let changes = revisions[1].changes(since: revisions[0])
        let r1 = try #require(changes.first { $0.after?.key == "R1|count|" })
        #expect(r1.before?.value == 6 && r1.after?.value == 7 && r1.delta == 1)
        // Suppression ran before publishing: a hidden cell is stored without its value.
        let hidden = try #require(revisions[0].cells.first { $0.id == "A2" && $0.statistic == "median" })
        #expect(hidden.suppressed && hidden.value == nil && hidden.numerator == nil && hidden.display == "<5")
        // Another period of the same programme has its own revisions.
        #expect(try log.revisions(programme: programme, period: try #require(ReportingPeriod("2025-Q2"))).isEmpty)
    }

    @Test("A line that does not decode is a typed error naming the line")
    func corrupt() throws {
        let directory = try TemporaryDirectory(prefix: "cus-published")
        defer { directory.remove() }
        let log = PublishedMetricsLog(dataDirectory: directory.path)
        let april = try #require(ReportingPeriod("2025-04"))
        _ = try log.publish(
            try report(story.facts, size: 7, period: april), period: april, publishedAt: "2025-05-05T08:00:00Z")
        let handle = try #require(FileHandle(forWritingAtPath: log.path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{not json\n".utf8))
        try handle.close()
        #expect(throws: ProjectionError.self) { try log.revisions(programme: programme, period: april) }
        do {
            _ = try log.revisions(programme: programme, period: april)
        } catch {
            guard case .corruptPublication(let line, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(line == 2)
        }
    }
}
