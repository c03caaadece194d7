extension RuleSet {
    static let identifierLengthMax = 64
    static let transitionalScopeLengthMax = 2000
    static let sourceLengthMax = 4000

    /// Checks what the types alone cannot: the patterns and bounds of `rule-set.schema.json`, known codes, no
    /// duplicates, `minMonths <= maxMonths`, `effectiveTo > effectiveFrom`. Reports the first problem in file order.
    public func validate() throws(RuleBookError) {
        try Self.check(ruleSetId, path: "ruleSetId", lengthMax: Self.identifierLengthMax, isValid: Self.isIdentifier)
        try Self.check(version, path: "version", lengthMax: Self.identifierLengthMax, isValid: Self.isVersion)
        if let effectiveTo, effectiveTo <= effectiveFrom {
            throw .effectiveToNotAfterEffectiveFrom(effectiveFrom: effectiveFrom, effectiveTo: effectiveTo)
        }
        if let transitionalScope {
            try Self.check(
                transitionalScope, path: "transitionalScope", lengthMax: Self.transitionalScopeLengthMax,
                isValid: { _ in true })
        }
        try Self.check(source, path: "source", lengthMax: Self.sourceLengthMax, isValid: { _ in true })
        try parameters.validate(path: "parameters")
    }

    static func check(
        _ text: String, path: String, lengthMax: Int, isValid: (String) -> Bool
    ) throws(RuleBookError) {
        guard !text.isEmpty else { throw .invalidValue(path: path, reason: "must not be empty") }
        guard text.count <= lengthMax else {
            throw .invalidValue(path: path, reason: "longer than \(lengthMax) characters")
        }
        guard isValid(text) else { throw .invalidValue(path: path, reason: "does not match the schema's pattern") }
    }

    /// `^[a-z0-9]+(-[a-z0-9]+)*$`
    static func isIdentifier(_ text: String) -> Bool {
        text.split(separator: "-", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { isLowercaseLetter($0) || isDigit($0) }
        }
    }

    /// `^[A-Za-z0-9]+([.-][A-Za-z0-9]+)*$`
    static func isVersion(_ text: String) -> Bool {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "-" }).allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { isLowercaseLetter($0 | 0x20) || isDigit($0) }
        }
    }

    /// `^[A-Z][A-Za-z0-9]*$`
    static func isEventTypeName(_ text: String) -> Bool {
        guard let first = text.utf8.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else {
            return false
        }
        return text.utf8.allSatisfy { isLowercaseLetter($0 | 0x20) || isDigit($0) }
    }

    private static func isLowercaseLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

extension RuleSet.Parameters {
    func validate(path: String) throws(RuleBookError) {
        try Self.checkCodes(
            serviceAreas, path: "\(path).serviceAreas", known: RuleSet.knownServiceAreaCodes, mayBeEmpty: false)
        try Self.checkCodes(
            applicantRoles, path: "\(path).applicantRoles", known: RuleSet.knownApplicantRoleCodes, mayBeEmpty: false)
        try Self.checkCodes(
            assessment.places, path: "\(path).assessment.places", known: RuleSet.knownAssessmentPlaceCodes,
            mayBeEmpty: false)
        try plan.validate(path: "\(path).plan")
        try Self.atLeast(coordinator.minExperienceYears, 0, path: "\(path).coordinator.minExperienceYears")
        try Self.checkCodes(
            coordinator.requiredEvidence, path: "\(path).coordinator.requiredEvidence",
            known: RuleSet.knownCoordinatorEvidenceCodes, mayBeEmpty: false)
        try Self.checkCodes(
            fee.exemptionKinds, path: "\(path).fee.exemptionKinds", known: RuleSet.knownFeeExemptionKindCodes,
            mayBeEmpty: true)
        try Self.atLeast(diagnosis.refreshYears, 1, path: "\(path).diagnosis.refreshYears")
        try Self.atLeast(transformedOps.minOtherServiceKinds, 0, path: "\(path).transformedOps.minOtherServiceKinds")
        try Self.checkList(reporting.mrpips03Due.map(\.description), path: "\(path).reporting.mrpips03Due")
        try Self.atLeast(privacy.smallCellThreshold, 1, path: "\(path).privacy.smallCellThreshold")
        try Self.atLeast(application.backdatingAlertDays, 0, path: "\(path).application.backdatingAlertDays")
        try Self.atLeast(retention.personalDataYears, 1, path: "\(path).retention.personalDataYears")
    }

    static func atLeast(_ value: Int, _ minimum: Int, path: String) throws(RuleBookError) {
        guard value >= minimum else { throw .belowMinimum(path: path, value: value, minimum: minimum) }
    }

    static func checkCodes(
        _ codes: [String], path: String, known: [String], mayBeEmpty: Bool
    ) throws(RuleBookError) {
        try checkList(codes, path: path, mayBeEmpty: mayBeEmpty)
        for (index, code) in codes.enumerated() where !known.contains(code) {
            throw .unknownCode(path: "\(path)[\(index)]", code: code)
        }
    }

    /// Non-empty unless `mayBeEmpty`, and no item twice.
    static func checkList(_ items: [String], path: String, mayBeEmpty: Bool = false) throws(RuleBookError) {
        guard mayBeEmpty || !items.isEmpty else { throw .emptyList(path: path) }
        var seen: Set<String> = []
        for (index, item) in items.enumerated() where !seen.insert(item).inserted {
            throw .duplicateItem(path: "\(path)[\(index)]", item: item)
        }
    }
}

extension RuleSet.Plan {
    func validate(path: String) throws(RuleBookError) {
        typealias Parameters = RuleSet.Parameters
        try Parameters.atLeast(coordinationThresholdMonths, 1, path: "\(path).coordinationThresholdMonths")
        try Parameters.atLeast(deadlineDays, 1, path: "\(path).deadlineDays")
        try RuleSet.check(
            deadlineStopEvent, path: "\(path).deadlineStopEvent", lengthMax: RuleSet.identifierLengthMax,
            isValid: RuleSet.isEventTypeName)
        try Parameters.atLeast(minMonths, 1, path: "\(path).minMonths")
        try Parameters.atLeast(maxMonths, 1, path: "\(path).maxMonths")
        guard minMonths <= maxMonths else { throw .minMonthsAboveMaxMonths(minMonths: minMonths, maxMonths: maxMonths) }
        try Parameters.checkCodes(
            approverRoles, path: "\(path).approverRoles", known: RuleSet.knownStaffRoleCodes, mayBeEmpty: false)
        try Parameters.checkCodes(
            delegatedApproverRoles, path: "\(path).delegatedApproverRoles", known: RuleSet.knownStaffRoleCodes,
            mayBeEmpty: true)
        for role in delegatedApproverRoles where !approverRoles.contains(role) {
            throw .delegatedRoleNotApprover(role: role)
        }
    }
}
