import Domain
import Foundation
import Testing

@Suite("Identifier text")
struct IdentifierTextTests {
    @Test("lowercasedText is Foundation's uuidString in lowercase, and ids print and parse through it")
    func lowercasedText() throws {
        let fixed = [
            UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
            UUID(uuid: (0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x1)),
        ]
        for uuid in fixed + (0..<1_000).map({ _ in UUID() }) {
            #expect(uuid.lowercasedText == uuid.uuidString.lowercased())
            let plan = PlanID(uuid: uuid)
            #expect(plan.description == uuid.lowercasedText)
            #expect(PlanID(plan.description) == plan)
        }
    }
}
