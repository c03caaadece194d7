import Domain
import Foundation
import Testing

/// One broken variant of the 2020 rule-set file and the error it must give.
struct InvalidRuleSetFile: Sendable, CustomTestStringConvertible {
    var testDescription: String
    /// Replaces the value at a key path; nil removes the key.
    var edits: [(keys: [String], value: (any Sendable)?)]
    var expected: RuleBookError

    init(_ description: String, _ keys: [String], _ value: (any Sendable)?, _ expected: RuleBookError) {
        testDescription = description
        edits = [(keys, value)]
        self.expected = expected
    }

    func json() throws -> [UInt8] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(defaultRuleSetJSON())) as? [String: Any])
        for edit in edits { object = replacing(edit.keys[...], with: edit.value, in: object) }
        return Array(try JSONSerialization.data(withJSONObject: object))
    }

    private func replacing(_ keys: ArraySlice<String>, with value: Any?, in object: [String: Any]) -> [String: Any] {
        guard let key = keys.first else { return object }
        var copy = object
        if keys.count == 1 {
            copy[key] = value
        } else {
            copy[key] = replacing(keys.dropFirst(), with: value, in: object[key] as? [String: Any] ?? [:])
        }
        return copy
    }
}

private let areas = RuleSet.knownServiceAreaCodes
private let firstDayOfTheAct = LocalDate(daysSinceEpoch: 18_262)  // 2020-01-01

let invalidRuleSetFiles: [InvalidRuleSetFile] = [
    .init(
        "a required field missing", ["parameters", "plan", "maxMonths"], nil,
        .missingField(path: "parameters.plan.maxMonths")),
    .init("effectiveTo absent rather than null", ["effectiveTo"], nil, .missingField(path: "effectiveTo")),
    .init(
        "a number as text", ["parameters", "plan", "maxMonths"], "twelve",
        .wrongType(path: "parameters.plan.maxMonths", expected: "integer")),
    .init(
        "a list as text", ["parameters", "serviceAreas"], "culture",
        .wrongType(path: "parameters.serviceAreas", expected: "array")),
    .init("a group as a number", ["parameters", "fee"], 1, .wrongType(path: "parameters.fee", expected: "object")),
    .init(
        "minMonths above maxMonths", ["parameters", "plan", "minMonths"], 13,
        .minMonthsAboveMaxMonths(minMonths: 13, maxMonths: 12)),
    .init(
        "effectiveTo before effectiveFrom", ["effectiveTo"], "2019-12-31",
        .effectiveToNotAfterEffectiveFrom(
            effectiveFrom: firstDayOfTheAct,
            effectiveTo: firstDayOfTheAct.adding(days: -1))),
    .init(
        "effectiveTo equal to effectiveFrom", ["effectiveTo"], "2020-01-01",
        .effectiveToNotAfterEffectiveFrom(
            effectiveFrom: firstDayOfTheAct,
            effectiveTo: firstDayOfTheAct)),
    .init("an empty list", ["parameters", "serviceAreas"], [String](), .emptyList(path: "parameters.serviceAreas")),
    .init(
        "an empty approver list", ["parameters", "plan", "approverRoles"], [String](),
        .emptyList(path: "parameters.plan.approverRoles")),
    .init(
        "an unknown area code", ["parameters", "serviceAreas"], areas + ["spaceTravel"],
        .unknownCode(path: "parameters.serviceAreas[14]", code: "spaceTravel")),
    .init(
        "an area listed twice", ["parameters", "serviceAreas"], areas + ["culture"],
        .duplicateItem(path: "parameters.serviceAreas[14]", item: "culture")),
    .init(
        "an unknown evidence code", ["parameters", "coordinator", "requiredEvidence"], ["ipusTraining", "diploma"],
        .unknownCode(path: "parameters.coordinator.requiredEvidence[1]", code: "diploma")),
    .init(
        "a delegated approver who cannot approve", ["parameters", "plan", "delegatedApproverRoles"], ["coordinator"],
        .delegatedRoleNotApprover(role: "coordinator")),
    .init(
        "a field the schema lacks", ["parameters", "plan", "extensionMonths"], 6,
        .unknownField(path: "parameters.plan.extensionMonths")),
    .init("a top-level field the schema lacks", ["signature"], "abc", .unknownField(path: "signature")),
    .init(
        "a threshold of zero", ["parameters", "privacy", "smallCellThreshold"], 0,
        .belowMinimum(path: "parameters.privacy.smallCellThreshold", value: 0, minimum: 1)),
    .init(
        "negative backdating days", ["parameters", "application", "backdatingAlertDays"], -1,
        .belowMinimum(path: "parameters.application.backdatingAlertDays", value: -1, minimum: 0)),
    .init("an empty source", ["source"], "", .invalidValue(path: "source", reason: "must not be empty")),
    .init(
        "a ruleSetId with a slash", ["ruleSetId"], "cus/act",
        .invalidValue(path: "ruleSetId", reason: "does not match the schema's pattern")),
    .init(
        "a version with a space", ["version"], "2020 1",
        .invalidValue(path: "version", reason: "does not match the schema's pattern")),
    .init(
        "a stop event that is not a type name", ["parameters", "plan", "deadlineStopEvent"], "planApproved",
        .invalidValue(path: "parameters.plan.deadlineStopEvent", reason: "does not match the schema's pattern")),
]

@Suite("Rule-set files")
struct RuleSetDecodingTests {
    @Test("A broken rule-set file gives the named error", arguments: invalidRuleSetFiles)
    func invalidFile(_ file: InvalidRuleSetFile) throws {
        let json = try file.json()
        #expect(throws: file.expected) { try RuleSet.decode(json: json) }
    }

    @Test(
        "Malformed values name their field",
        arguments: [
            (["effectiveFrom"], "2020-13-01", "effectiveFrom"),
            (["parameters", "reporting", "ozpsDue"], "4-30", "parameters.reporting.ozpsDue"),
            (["parameters", "qualification", "order"], "priority", "parameters.qualification.order"),
        ])
    func malformedValue(keys: [String], value: String, path: String) throws {
        var file = InvalidRuleSetFile("", keys, value, .emptyList(path: ""))
        file.testDescription = path
        let error = #expect(throws: RuleBookError.self) { try RuleSet.decode(json: file.json()) }
        guard case .invalidValue(let reportedPath, let reason) = error else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(reportedPath == path)
        #expect(!reason.isEmpty)
    }

    @Test("Bytes that are not a rule-set object are refused")
    func notARuleSet() throws {
        let error = #expect(throws: RuleBookError.self) { try RuleSet.decode(json: Array("{\"ruleSetId\": ".utf8)) }
        guard case .malformedJSON = error else {
            Issue.record("expected malformedJSON, got \(String(describing: error))")
            return
        }
        #expect(throws: RuleBookError.wrongType(path: "(root)", expected: "object")) {
            try RuleSet.decode(json: Array("[]".utf8))
        }
        let huge = [UInt8](repeating: UInt8(ascii: " "), count: RuleSet.jsonBytesMax + 1)
        #expect(throws: RuleBookError.tooLarge(bytes: RuleSet.jsonBytesMax + 1, limit: RuleSet.jsonBytesMax)) {
            try RuleSet.decode(json: huge)
        }
        #expect(try defaultRuleSetJSON().count * 10 < RuleSet.jsonBytesMax)
    }

    @Test("Errors say which field and why")
    func errorMessages() {
        #expect(
            RuleBookError.minMonthsAboveMaxMonths(minMonths: 13, maxMonths: 12).description
                == "parameters.plan.minMonths (13) is greater than parameters.plan.maxMonths (12)")
        #expect(
            RuleBookError.unknownCode(path: "parameters.serviceAreas[14]", code: "x").description
                == "parameters.serviceAreas[14]: unknown code \"x\"")
    }

    @Test("Canonical JSON is the same bytes every time, with keys sorted and no whitespace")
    func canonicalJSONIsStable() throws {
        let ruleSet = try RuleSet.decode(json: defaultRuleSetJSON())
        let canonical = ruleSet.canonicalJSON()
        #expect(canonical == ruleSet.canonicalJSON())
        #expect(canonical == RuleBook.defaults.ruleSets[0].canonicalJSON())
        #expect(try RuleSet.decode(json: canonical) == ruleSet)
        let text = String(decoding: canonical, as: UTF8.self)
        #expect(
            text.hasPrefix(
                #"{"effectiveFrom":"2020-01-01","effectiveTo":null,"#
                    + #""parameters":{"applicantRoles":["self","legalRepresentative","#
                    + #""deFactoGuardian"],"application":{"backdatingAlertDays":0},"assessment":{"#))
        #expect(text.contains(#""transitionalScope":null,"version":"2020-01-01.1"}"#))
        #expect(text.contains("docs/domain.md"))  // slashes unescaped
        #expect(keysAreSorted(canonical))
        #expect(!hasWhitespaceOutsideStrings(canonical))
    }

    @Test("Canonical JSON does not depend on the file's layout or key order")
    func canonicalJSONIgnoresLayout() throws {
        let original = try defaultRuleSetJSON()
        let object = try JSONSerialization.jsonObject(with: Data(original))
        let relaid = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted])
        #expect(Array(relaid) != original)
        #expect(
            try RuleSet.decode(json: Array(relaid)).canonicalJSON() == RuleSet.decode(json: original).canonicalJSON())
    }

    /// Every object's keys strictly increase in byte order.
    func keysAreSorted(_ json: [UInt8]) -> Bool {
        var lastKeys: [[UInt8]?] = []  // one entry per open object or array
        var index = 0
        while index < json.count {
            switch json[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["): lastKeys.append(nil)
            case UInt8(ascii: "}"), UInt8(ascii: "]"): lastKeys.removeLast()
            case UInt8(ascii: "\""):
                var end = index + 1
                while json[end] != UInt8(ascii: "\"") { end += json[end] == UInt8(ascii: "\\") ? 2 : 1 }
                let string = Array(json[(index + 1)..<end])
                if end + 1 < json.count, json[end + 1] == UInt8(ascii: ":") {
                    if let previous = lastKeys[lastKeys.count - 1], !previous.lexicographicallyPrecedes(string) {
                        return false
                    }
                    lastKeys[lastKeys.count - 1] = string
                }
                index = end
            default: break
            }
            index += 1
        }
        return lastKeys.isEmpty
    }

    func hasWhitespaceOutsideStrings(_ json: [UInt8]) -> Bool {
        var inString = false
        var index = 0
        while index < json.count {
            let byte = json[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if [0x20, 0x0A, 0x0D, 0x09].contains(byte) {
                return true
            }
            index += 1
        }
        return false
    }
}
