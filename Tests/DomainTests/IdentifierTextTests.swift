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

    @Test("Identifiers parse from canonical text only, to the bytes Foundation reads from it")
    func canonicalTextOnly() throws {
        let fixed = ["00000000-0000-0000-0000-000000000000", "FFFFFFFF-ffff-FfFf-fFfF-0123456789aB"]
        let texts = fixed + (0..<20).map { _ in UUID().uuidString } + (0..<20).map { _ in UUID().lowercasedText }
        var candidates = ["", "-", String(repeating: "0", count: 36), " " + fixed[0], fixed[0] + "\n"]
        for text in texts {
            candidates.append(text)
            let characters = Array(text)
            for index in characters.indices {
                for replacement in Self.replacements {
                    var changed = characters
                    changed[index] = replacement
                    candidates.append(String(changed))
                }
                var shorter = characters
                shorter.remove(at: index)
                candidates.append(String(shorter))
                candidates.append(String(characters[..<index]) + "0" + String(characters[index...]))
            }
        }
        let canonical = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/
        for candidate in candidates {
            let parsed = UUID(canonicalText: candidate)
            #expect((parsed != nil) == (candidate.wholeMatch(of: canonical) != nil), "\(candidate.debugDescription)")
            if let parsed { #expect(parsed == UUID(uuidString: candidate)) }
            #expect(PlanID(candidate)?.uuid == parsed)
        }
        // Foundation's `sscanf` on Linux skips blanks and signs inside a group: this text would name another plan.
        let shifted = " 199efd5-9c33-4a59-b235-c17ac6289402"
        #expect(UUID(uuidString: shifted)?.uuidString == "199EFD05-9C33-4A59-B235-C17AC6289402")
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PlanID.self, from: Data("\"\(shifted)\"".utf8))
        }
    }

    /// Characters around the hex digits' ranges and the dash, a space, a sign, `x` (of `0x`), a NUL, a line end
    /// that is one Character of two bytes, and letters beyond ASCII.
    private static let replacements: [Character] = [
        "0", "9", "a", "f", "A", "F", "g", "G", "/", ":", "@", "`", "-", " ", "+", "x", "\0", "\r\n", "é", "٣", "ａ",
    ]
}
