import Domain
import Foundation
import Testing

/// `Schemas/rules/`, found from this file so the tests need no resources.
private let rulesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Schemas/rules")

/// Every rule-set file (the schema excluded), sorted by name.
func ruleSetFiles() throws -> [URL] {
    try FileManager.default.contentsOfDirectory(at: rulesDirectory, includingPropertiesForKeys: nil)
        .filter { $0.pathExtension == "json" && $0.lastPathComponent != "rule-set.schema.json" }
        .sorted { $0.lastPathComponent < $1.lastPathComponent }
}

func defaultRuleSetJSON() throws -> [UInt8] {
    Array(try Data(contentsOf: rulesDirectory.appendingPathComponent("cus-act-2020-01-01.1.json")))
}

func day(_ text: String) throws -> LocalDate { try #require(LocalDate(text)) }

@Suite("Rule sets")
struct RuleSetTests {
    @Test("Each file in Schemas/rules decodes to its compiled-in rule set")
    func filesMatchCompiledIn() throws {
        let files = try ruleSetFiles()
        #expect(!files.isEmpty)
        #expect(files.count == RuleBook.defaults.ruleSets.count)
        for file in files {
            let decoded = try RuleSet.decode(json: Array(try Data(contentsOf: file)))
            #expect(file.lastPathComponent == "\(decoded.ruleSetId)-\(decoded.version).json")
            #expect(try RuleBook.defaults.ruleSet(decoded.ruleSetVersion) == decoded, "\(file.lastPathComponent)")
        }
    }

    @Test("The 2020 set carries the parameters of domain.md §3.1")
    func defaultParameters() throws {
        let rules = try RuleBook.defaults.ruleSet(inForceOn: day("2020-01-01"))
        #expect(rules.ruleSetVersion.description == "cus-act/2020-01-01.1")
        #expect(rules.effectiveTo == nil && rules.transitionalScope == nil)
        let parameters = rules.parameters
        #expect(parameters.serviceAreas == RuleSet.knownServiceAreaCodes && parameters.serviceAreas.count == 14)
        #expect(parameters.applicantRoles == ["self", "legalRepresentative", "deFactoGuardian"])
        #expect(parameters.qualification == .init(order: .filingOrder, refusalForm: .administrativeDecision))
        #expect(parameters.assessment.places == ["centre", "placeOfStay"])
        #expect(parameters.plan.coordinationThresholdMonths == 3 && parameters.plan.deadlineDays == 30)
        #expect(parameters.plan.deadlineStopEvent == "PlanApproved" && parameters.plan.monthsAllowed == 3...12)
        #expect(parameters.plan.approverRoles == ["director", "servicesOrganiser"])
        #expect(parameters.plan.delegatedApproverRoles == ["servicesOrganiser"])
        #expect(parameters.coordinator.minExperienceYears == 2 && parameters.coordinator.requiredEvidence.count == 4)
        #expect(parameters.fee == .init(decisionRequired: false, exemptionKinds: ["partial", "total"]))
        #expect(parameters.diagnosis.refreshYears == 5 && parameters.transformedOps.minOtherServiceKinds == 2)
        #expect(parameters.reporting.mrpips03Due.map(\.description) == ["07-20", "01-20"])
        #expect(parameters.reporting.ozpsDue.description == "04-30")
        #expect(parameters.privacy.smallCellThreshold == 5 && parameters.application.backdatingAlertDays == 0)
        #expect(parameters.retention.personalDataYears == 10)
    }

    @Test("The code vocabularies match the enums of rule-set.schema.json")
    func vocabulariesMatchSchema() throws {
        let schema = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: rulesDirectory.appendingPathComponent("rule-set.schema.json"))) as? [String: Any]
        )
        func codes(_ keys: [String]) throws -> [String] {
            var node: Any = schema
            for key in keys { node = try #require((node as? [String: Any])?[key], "\(keys)") }
            return try #require(node as? [String], "\(keys)")
        }
        let parameters = ["$defs", "parameters", "properties"]
        let items = ["items", "enum"]
        #expect(try codes(parameters + ["serviceAreas"] + items) == RuleSet.knownServiceAreaCodes)
        #expect(try codes(parameters + ["applicantRoles"] + items) == RuleSet.knownApplicantRoleCodes)
        #expect(
            try codes(parameters + ["assessment", "properties", "places"] + items) == RuleSet.knownAssessmentPlaceCodes)
        #expect(try codes(["$defs", "staffRole", "enum"]) == RuleSet.knownStaffRoleCodes)
        #expect(
            try codes(parameters + ["coordinator", "properties", "requiredEvidence"] + items)
                == RuleSet.knownCoordinatorEvidenceCodes)
        #expect(
            try codes(parameters + ["fee", "properties", "exemptionKinds"] + items)
                == RuleSet.knownFeeExemptionKindCodes)
    }

    @Test("Nothing is in force before the Act")
    func nothingBeforeTheAct() throws {
        #expect(throws: RuleBookError.noRuleSetInForce(ruleSetId: "cus-act", date: try day("2019-12-31"))) {
            try RuleBook.defaults.ruleSet(inForceOn: day("2019-12-31"))
        }
        #expect(throws: RuleBookError.noRuleSetInForce(ruleSetId: "other-act", date: try day("2024-01-01"))) {
            try RuleBook.defaults.ruleSet(inForceOn: day("2024-01-01"), id: "other-act")
        }
    }

    @Test("A later set supersedes the open-ended 2020 set from its effectiveFrom, not a day earlier")
    func selectionAtBoundaries() throws {
        let original = try RuleBook.defaults.ruleSet(inForceOn: day("2020-01-01"))
        let amended = try amendedRuleSet(from: "2026-07-01", to: nil)
        let book = try baseBook().adding([amended])
        #expect(try book.ruleSet(inForceOn: day("2026-06-30")) == original)
        #expect(try book.ruleSet(inForceOn: day("2026-07-01")) == amended)
        #expect(try book.ruleSet(inForceOn: day("2026-07-02")) == amended)
        #expect(try book.ruleSet(inForceOn: day("2099-12-31")) == amended)
        #expect(try book.ruleSet(original.ruleSetVersion) == original)
    }

    @Test("effectiveTo is exclusive, and a superseded set does not come back after it")
    func effectiveToIsExclusive() throws {
        let amended = try amendedRuleSet(from: "2026-07-01", to: "2027-01-01")
        let book = try baseBook().adding([amended])
        #expect(try book.ruleSet(inForceOn: day("2026-12-31")) == amended)
        #expect(throws: RuleBookError.noRuleSetInForce(ruleSetId: "cus-act", date: try day("2027-01-01"))) {
            try book.ruleSet(inForceOn: day("2027-01-01"))
        }
    }

    @Test("An explicit effectiveTo past a later set's start is refused as overlapping")
    func overlappingEndRefused() throws {
        let first = try amendedRuleSet(version: "2026-07-01.1", from: "2026-07-01", to: "2027-01-02")
        let second = try amendedRuleSet(version: "2027-01-01.1", from: "2027-01-01", to: nil)
        #expect(throws: RuleBookError.overlapping(first.ruleSetVersion, second.ruleSetVersion)) {
            try baseBook().adding([second, first])
        }
        let touching = try amendedRuleSet(version: "2026-07-01.1", from: "2026-07-01", to: "2027-01-01")
        #expect(try baseBook().adding([second, touching]).ruleSets.count == 3)
    }

    @Test("Two sets starting on the same day are refused as overlapping")
    func sameStartRefused() throws {
        let first = try amendedRuleSet(version: "2026-07-01.1", from: "2026-07-01", to: nil)
        let second = try amendedRuleSet(version: "2026-07-01.2", from: "2026-07-01", to: nil)
        #expect(throws: RuleBookError.overlapping(first.ruleSetVersion, second.ruleSetVersion)) {
            try baseBook().adding([first, second])
        }
    }

    @Test("A version defined twice with different contents is refused; an identical repeat is absorbed")
    func duplicateVersions() throws {
        let original = try RuleBook.defaults.ruleSet(inForceOn: day("2020-01-01"))
        var changed = original
        changed.parameters.plan.maxMonths = 18
        #expect(throws: RuleBookError.duplicateVersion(original.ruleSetVersion)) {
            try baseBook().adding([changed])
        }
        #expect(try baseBook().adding([original]) == baseBook())
    }

    @Test("Sets of different ruleSetIds may overlap in time")
    func independentIds() throws {
        var other = try amendedRuleSet(from: "2020-01-01", to: nil)
        other.ruleSetId = "other-act"
        let book = try baseBook().adding([other])
        #expect(try book.ruleSet(inForceOn: day("2021-01-01"), id: "other-act") == other)
        #expect(try book.ruleSet(inForceOn: day("2021-01-01")).ruleSetId == "cus-act")
    }

    @Test("RuleBook validates sets built in code, not only decoded ones")
    func bookValidates() throws {
        var invalid = try amendedRuleSet(from: "2026-07-01", to: nil)
        invalid.parameters.plan.minMonths = 19
        #expect(throws: RuleBookError.minMonthsAboveMaxMonths(minMonths: 19, maxMonths: 18)) {
            try baseBook().adding([invalid])
        }
        #expect(throws: RuleBookError.unknownVersion(RuleSetVersion(ruleSetId: "cus-act", version: "1999.1"))) {
            try baseBook().ruleSet(RuleSetVersion(ruleSetId: "cus-act", version: "1999.1"))
        }
    }

    @Test("RuleSetVersion is written and coded as ruleSetId/version")
    func versionText() throws {
        let version = RuleSetVersion(ruleSetId: "cus-act", version: "2020-01-01.1")
        #expect(version.description == "cus-act/2020-01-01.1")
        #expect(RuleSetVersion("cus-act/2020-01-01.1") == version)
        for bad in ["cus-act", "/2020", "cus-act/", "a/b/c", ""] { #expect(RuleSetVersion(bad) == nil, "\(bad)") }
        let json = try JSONEncoder().encode([version])
        #expect(String(decoding: json, as: UTF8.self) == #"["cus-act\/2020-01-01.1"]"#)
        #expect(try JSONDecoder().decode([RuleSetVersion].self, from: json) == [version])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([RuleSetVersion].self, from: Data(#"["x"]"#.utf8))
        }
    }

    @Test("MonthDay parses MM-DD exactly")
    func monthDay() throws {
        #expect(RuleSet.MonthDay("02-29")?.description == "02-29")
        #expect(try #require(RuleSet.MonthDay("12-31")) > #require(RuleSet.MonthDay(month: 1, day: 20)))
        for bad in ["02-30", "7-20", "00-10", "13-01", "07-00", "07/20", "07-200"] {
            #expect(RuleSet.MonthDay(bad) == nil, "\(bad)")
        }
        #expect(RuleSet.MonthDay("02-29")?.date(in: 2025) == nil)
        #expect(RuleSet.MonthDay("07-20")?.date(in: 2025) == LocalDate(year: 2025, month: 7, day: 20))
    }

    /// A book of the 2020 set alone, so the fixtures below cannot collide with later files in Schemas/rules.
    func baseBook() throws -> RuleBook { try RuleBook([RuleBook.defaults.ruleSet(inForceOn: day("2020-01-01"))]) }

    /// The 2020 set renumbered as a later version with `maxMonths` 18, so a test can tell the two apart.
    func amendedRuleSet(version: String? = nil, from: String, to: String?) throws -> RuleSet {
        var ruleSet = try RuleBook.defaults.ruleSet(inForceOn: day("2020-01-01"))
        ruleSet.version = version ?? "\(from).1"
        ruleSet.effectiveFrom = try day(from)
        ruleSet.effectiveTo = try to.map(day)
        ruleSet.parameters.plan.maxMonths = 18
        return ruleSet
    }
}
