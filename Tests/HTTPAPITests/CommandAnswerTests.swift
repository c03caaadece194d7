import Foundation
import Testing

@testable import HTTPAPI

@Suite("HTTP API: a command's answer, written by hand")
struct CommandAnswerTests {
    /// The answer as Foundation encoded it before it was written by hand.
    static func foundationText(_ answer: CommandRoutes.Appended) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(answer), as: UTF8.self)
    }

    @Test(
        "The text is byte for byte what JSONEncoder with sorted keys wrote, absent positions left out",
        arguments: [
            CommandRoutes.Appended(
                commandId: "0192f0c4-1b2a-7c3d-8e4f-5a6b7c8d9e0f", stream: "application-1", firstPosition: 41,
                lastPosition: 42, streamVersion: 2, eventCount: 2),
            CommandRoutes.Appended(
                commandId: "0192f0c4-1b2a-7c3d-8e4f-5a6b7c8d9e0f", stream: "person-\"quoted\"\\/", firstPosition: nil,
                lastPosition: nil, streamVersion: nil, eventCount: 0),
            CommandRoutes.Appended(
                commandId: "c", stream: "s", firstPosition: UInt64.max, lastPosition: nil, streamVersion: 0,
                eventCount: 1),
        ])
    func sameAsFoundation(_ answer: CommandRoutes.Appended) throws {
        #expect(answer.jsonText == (try Self.foundationText(answer)))
    }
}
