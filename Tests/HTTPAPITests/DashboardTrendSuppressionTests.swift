@testable import HTTPAPI
import Projections
import Testing

/// The programme page's monthly trend beside the period's total (domain.md §6.3 rule 5).
@Suite("Dashboard trend: secondary suppression against the total")
struct DashboardTrendSuppressionTests {
    static func bar(_ value: Double?, _ marker: String? = nil) -> SVGChart.Bar {
        SVGChart.Bar(label: "m", value: value, marker: marker)
    }

    static let total = IndicatorValue(id: "D4", name: "Deliveries", statistic: .count, value: 23, n: 23)

    @Test("One hidden month hides the smallest month shown too, so the total gives no month's small count")
    func oneHiddenMonth() {
        let trend = DashboardRoutes.secondarySuppressed(
            [Self.bar(8), Self.bar(12), Self.bar(nil, "<5")], beside: Self.total)
        #expect(trend.map(\.value) == [nil, 12, nil])
        #expect(trend[0].marker == Suppression.secondaryDisplay)
        // A zero month hides nothing (rule 1 shows zeros): the smallest month that is not zero goes instead.
        let withZero = DashboardRoutes.secondarySuppressed(
            [Self.bar(0), Self.bar(12), Self.bar(nil, "<5"), Self.bar(20)], beside: Self.total)
        #expect(withZero.map(\.value) == [0, nil, nil, 20])
    }

    @Test("Two hidden months, none, a month with no data, or a hidden total: the trend stays as it is")
    func nothingToAdd() {
        let twoHidden = [Self.bar(8), Self.bar(nil, "<5"), Self.bar(nil, "<5")]
        #expect(DashboardRoutes.secondarySuppressed(twoHidden, beside: Self.total).map(\.value) == [8, nil, nil])
        let noData = [Self.bar(8), Self.bar(nil)]
        #expect(DashboardRoutes.secondarySuppressed(noData, beside: Self.total).map(\.value) == [8, nil])
        var hiddenTotal = Self.total
        hiddenTotal.suppressed = true
        let oneHidden = [Self.bar(8), Self.bar(nil, "<5")]
        #expect(DashboardRoutes.secondarySuppressed(oneHidden, beside: hiddenTotal).map(\.value) == [8, nil])
    }
}
