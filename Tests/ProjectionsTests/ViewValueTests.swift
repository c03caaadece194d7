import Foundation
import Testing

@testable import Projections

@Suite("View rows as JSON and CSV")
struct ViewValueTests {
    let row = ViewRow([
        ("planId", .string("p-1")), ("note", .string("\"Zofia\" \\ ą\n\t/\u{01}")), ("count", .int(-3)),
        ("ratio", .number(0.125)), ("missing", .null), ("flag", .bool(true)),
        ("items", .rows([ViewRow([("b", .int(1)), ("a", .int(2))])])),
    ])

    @Test("JSON keeps the view's column order, escapes text, and parses back to the same values")
    func json() throws {
        let text = ViewRow.jsonText([row])
        #expect(text.hasPrefix("[{\"planId\":\"p-1\",\"note\":"))
        #expect(text.contains("\"items\":[{\"b\":1,\"a\":2}]"))
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(parsed.first?["note"] as? String == "\"Zofia\" \\ ą\n\t/\u{01}")
        #expect(parsed.first?["count"] as? Int == -3)
        #expect(parsed.first?["ratio"] as? Double == 0.125)
        #expect(parsed.first?["missing"] is NSNull)
    }

    @Test("The hand-written JSON parses to what Foundation's encoder gives for the same rows")
    func sameAsFoundation() throws {
        let rows = [
            row,
            ViewRow([("plain", .string("Kraków 🚲 plain")), ("whole", .number(2)), ("tiny", .number(0.0001))]),
            ViewRow([]),
        ]
        let ours = try JSONSerialization.jsonObject(with: Data(ViewRow.jsonText(rows).utf8))
        let foundation = try JSONSerialization.jsonObject(with: JSONEncoder().encode(rows))
        #expect((ours as? NSArray) == (foundation as? NSArray))
    }

    @Test("A CSV cell of nested rows is their JSON")
    func csvNested() {
        #expect(row["items"]?.csvText == "[{\"b\":1,\"a\":2}]")
        #expect(row["missing"]?.csvText == "")
    }
}
