/// Why the director's command on a staff stream was refused.
public enum StaffRejection: DomainRejection {
    /// L21 (art. 30): a coordinator needs all four requirements evidenced.
    case coordinatorRequirementsMissing(missing: [CoordinatorRequirement], minExperienceYears: Int)
    /// The staff member already holds the role.
    case alreadyQualified(role: StaffRole)
    /// The delegate holds none of the roles that may receive the scope on its first day (L11, L17, L24).
    case delegateLacksRole(scope: DelegationScope, eligibleRoles: [StaffRole])
    /// A delegation must start before it ends.
    case invalidDelegationPeriod(validFrom: LocalDate, validTo: LocalDate)
    case delegationAlreadyExists(DelegationID)
    /// Only a delegation still in force (or yet to start) may be revoked.
    case delegationNotActive(DelegationID)
    /// The command names another staff member than the stream holds.
    case wrongStaffMember
    case notPermitted(role: ActorRole)
    case invalidFields([FieldViolation])

    public var rule: String? {
        switch self {
        case .coordinatorRequirementsMissing: "L21"
        case .delegateLacksRole(let scope, _): Self.rule(for: scope)
        default: nil
        }
    }

    /// The rule a scope's delegation serves: plan approval (L17), refusals (L11), fees and write-offs (L24).
    static func rule(for scope: DelegationScope) -> String {
        switch scope {
        case .approvePlans: "L17"
        case .signRefusals: "L11"
        case .decideFeeExemptions, .writeOffCharges: "L24"
        }
    }

    public var code: String {
        switch self {
        case .coordinatorRequirementsMissing: "coordinator-requirements-missing"
        case .alreadyQualified: "already-qualified"
        case .delegateLacksRole: "delegate-lacks-role"
        case .invalidDelegationPeriod: "invalid-delegation-period"
        case .delegationAlreadyExists: "delegation-already-exists"
        case .delegationNotActive: "delegation-not-active"
        case .wrongStaffMember: "wrong-staff-member"
        case .notPermitted: "not-permitted"
        case .invalidFields: "invalid-fields"
        }
    }

    public var description: String {
        switch self {
        case .coordinatorRequirementsMissing(let missing, let years):
            "a coordinator needs all art. 30 requirements (at least \(years) years' experience); missing: "
                + missing.map(\.rawValue).joined(separator: ", ")
        case .alreadyQualified(let role): "already qualified as \(role.rawValue)"
        case .delegateLacksRole(let scope, let roles):
            "\(scope.rawValue) may be delegated only to "
                + roles.map(\.rawValue).joined(separator: " or ")
        case .invalidDelegationPeriod(let from, let to): "delegation from \(from) must start before \(to)"
        case .delegationAlreadyExists(let id): "delegation \(id) already exists"
        case .delegationNotActive(let id): "delegation \(id) is not active"
        case .wrongStaffMember: "the command names another staff member than this stream"
        case .notPermitted(let role): "\(role.rawValue) may not do this"
        case .invalidFields(let violations): "invalid fields: " + violations.map(\.path).joined(separator: ", ")
        }
    }
}
