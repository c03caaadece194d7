import Foundation
import Projections
import Testing

@testable import HTTPAPI

/// `QueryRoutes.ViewPage.jsonText`, the hand-written body of `GET /v1/views/{name}`: the fields of the OpenAPI
/// document, `nextOffset` only when a next page exists.
@Suite("View page bodies")
struct ViewPageBodyTests {
    let rows = [ViewRow([("planId", .string("a\"b")), ("count", .int(2))])]

    @Test("A page with a next page names it; its rows keep their columns")
    func withNextPage() throws {
        let page = QueryRoutes.ViewPage(
            view: "PlanStatusView", checkpoint: 41, rows: rows, offset: 20, limit: 1, total: 30, nextOffset: 21)
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(page.jsonText.utf8)) as? [String: Any])
        #expect(Set(parsed.keys) == ["view", "checkpoint", "rows", "offset", "limit", "total", "nextOffset"])
        #expect(parsed["view"] as? String == "PlanStatusView")
        #expect(parsed["checkpoint"] as? Int == 41)
        #expect(parsed["offset"] as? Int == 20)
        #expect(parsed["limit"] as? Int == 1)
        #expect(parsed["total"] as? Int == 30)
        #expect(parsed["nextOffset"] as? Int == 21)
        #expect((parsed["rows"] as? [[String: Any]])?.first?["planId"] as? String == "a\"b")
        #expect(page.jsonText.contains(#"{"planId":"a\"b","count":2}"#))
    }

    @Test("The last page has no nextOffset member")
    func lastPage() throws {
        let page = QueryRoutes.ViewPage(
            view: "FeeLedgerView", checkpoint: 0, rows: [], offset: 0, limit: 20, total: 0, nextOffset: nil)
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(page.jsonText.utf8)) as? [String: Any])
        #expect(parsed["nextOffset"] == nil)
        #expect((parsed["rows"] as? [Any])?.isEmpty == true)
    }
}
