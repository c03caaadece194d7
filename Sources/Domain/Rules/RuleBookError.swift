/// Why a rule-set file was refused, why a set of rule sets cannot form a `RuleBook`, or why no set applies. A closed
/// enum so callers (the `--rules DIR` loader, tests) can switch over it; `path` names the field as in the file,
/// e.g. `parameters.plan.minMonths` or `parameters.serviceAreas[3]`. Messages never quote free-text fields.
public enum RuleBookError: Error, Hashable, Sendable {
    /// The file exceeds `RuleSet.jsonBytesMax`.
    case tooLarge(bytes: Int, limit: Int)
    /// Not JSON at all.
    case malformedJSON(reason: String)
    case missingField(path: String)
    /// `expected` is a JSON type name: string, integer, boolean, array, object.
    case wrongType(path: String, expected: String)
    /// Right type, wrong form: a bad date, an unknown enum value, a pattern mismatch, an empty text.
    case invalidValue(path: String, reason: String)
    /// A field the rule-set schema does not define; refused so no parameter is silently ignored.
    case unknownField(path: String)
    case emptyList(path: String)
    case duplicateItem(path: String, item: String)
    /// A code outside the vocabulary of `RuleSet+Codes.swift`.
    case unknownCode(path: String, code: String)
    case belowMinimum(path: String, value: Int, minimum: Int)
    /// L16: `parameters.plan.minMonths` is greater than `parameters.plan.maxMonths`.
    case minMonthsAboveMaxMonths(minMonths: Int, maxMonths: Int)
    case effectiveToNotAfterEffectiveFrom(effectiveFrom: LocalDate, effectiveTo: LocalDate)
    /// L17: a role in `parameters.plan.delegatedApproverRoles` that is not in `approverRoles`.
    case delegatedRoleNotApprover(role: String)
    /// Two different sets claim the same version.
    case duplicateVersion(RuleSetVersion)
    /// Two sets of one `ruleSetId` start on the same day, or one's explicit `effectiveTo` runs past the next one's
    /// `effectiveFrom`.
    case overlapping(RuleSetVersion, RuleSetVersion)
    /// More than `RuleBook.ruleSetsMax` sets.
    case tooManyRuleSets(limit: Int)
    case noRuleSetInForce(ruleSetId: String, date: LocalDate)
    case unknownVersion(RuleSetVersion)
}

extension RuleBookError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .tooLarge(let bytes, let limit): "rule-set file is \(bytes) bytes; the limit is \(limit)"
        case .malformedJSON(let reason): "rule-set file is not valid JSON: \(reason)"
        case .missingField(let path): "\(path): required field is missing"
        case .wrongType(let path, let expected): "\(path): expected \(expected)"
        case .invalidValue(let path, let reason): "\(path): \(reason)"
        case .unknownField(let path): "\(path): unknown field (not in rule-set.schema.json)"
        case .emptyList(let path): "\(path): must not be empty"
        case .duplicateItem(let path, let item): "\(path): \"\(item)\" is listed twice"
        case .unknownCode(let path, let code): "\(path): unknown code \"\(code)\""
        case .belowMinimum(let path, let value, let minimum): "\(path): \(value) is below the minimum \(minimum)"
        case .minMonthsAboveMaxMonths(let minMonths, let maxMonths):
            "parameters.plan.minMonths (\(minMonths)) is greater than parameters.plan.maxMonths (\(maxMonths))"
        case .effectiveToNotAfterEffectiveFrom(let effectiveFrom, let effectiveTo):
            "effectiveTo (\(effectiveTo)) must be after effectiveFrom (\(effectiveFrom))"
        case .delegatedRoleNotApprover(let role):
            "parameters.plan.delegatedApproverRoles: \"\(role)\" is not in parameters.plan.approverRoles"
        case .duplicateVersion(let version): "\(version) is defined twice with different contents"
        case .overlapping(let first, let second): "\(first) and \(second) are both in force on some day"
        case .tooManyRuleSets(let limit): "more than \(limit) rule sets"
        case .noRuleSetInForce(let ruleSetId, let date): "no \(ruleSetId) rule set is in force on \(date)"
        case .unknownVersion(let version): "no rule set \(version)"
        }
    }
}
