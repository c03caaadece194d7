/// What the director may do on a staff member's stream (`staff-<StaffID>`, domain.md §4.10).
public enum StaffCommand: Sendable, Hashable {
    case qualify(QualifyStaff)
    case delegateAuthority(DelegateAuthority)
    case revokeAuthority(RevokeAuthority)
}

/// Qualify a staff member for a role from a date. The evidence is personal (sealed in the event); for a
/// coordinator it must cover all four art. 30 requirements (L21).
public struct QualifyStaff: Sendable, Hashable {
    public var staffId: StaffID
    public var role: StaffRole
    public var validFrom: LocalDate
    public var evidence: StaffQualified.Personal

    public init(staffId: StaffID, role: StaffRole, validFrom: LocalDate, evidence: StaffQualified.Personal) {
        self.staffId = staffId
        self.role = role
        self.validFrom = validFrom
        self.evidence = evidence
    }
}

/// Delegate an authority (upoważnienie) to the staff member whose stream this is; the director delegating is the
/// command's actor.
public struct DelegateAuthority: Sendable, Hashable {
    public var staffId: StaffID
    public var delegationId: DelegationID
    public var scope: DelegationScope
    public var validFrom: LocalDate
    /// The last day of the delegation; nil for open-ended.
    public var validTo: LocalDate?
    public var documentRef: String?

    public init(
        staffId: StaffID, delegationId: DelegationID, scope: DelegationScope, validFrom: LocalDate,
        validTo: LocalDate?, documentRef: String? = nil
    ) {
        self.staffId = staffId
        self.delegationId = delegationId
        self.scope = scope
        self.validFrom = validFrom
        self.validTo = validTo
        self.documentRef = documentRef
    }
}

/// Revoke a delegation from a date.
public struct RevokeAuthority: Sendable, Hashable {
    public var staffId: StaffID
    public var delegationId: DelegationID
    public var effectiveFrom: LocalDate
    public var reason: String

    public init(staffId: StaffID, delegationId: DelegationID, effectiveFrom: LocalDate, reason: String) {
        self.staffId = staffId
        self.delegationId = delegationId
        self.effectiveFrom = effectiveFrom
        self.reason = reason
    }
}
