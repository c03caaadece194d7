/// A staff member's roles and delegations as folded from `staff-<StaffID>`. Other deciders receive it as a fact
/// (is the assessor a coordinator on that date, may this signer sign refusals), so it answers "on a date"
/// questions rather than "now".
public struct StaffState: Sendable, Hashable {
    public var staffId: StaffID?
    /// Each role held and the day it was granted from.
    public var roles: [StaffRole: LocalDate] = [:]
    public var delegations: [DelegationID: Delegation] = [:]

    public init() {}

    public func holdsRole(_ role: StaffRole, on date: LocalDate) -> Bool {
        guard let validFrom = roles[role] else { return false }
        return validFrom <= date
    }

    public func hasDelegation(_ scope: DelegationScope, on date: LocalDate) -> Bool {
        activeDelegation(scope, on: date) != nil
    }

    /// The delegation that authorises `scope` on `date`, for events that cite it (`delegationId`).
    public func activeDelegation(_ scope: DelegationScope, on date: LocalDate) -> Delegation? {
        delegations.values.filter { $0.scope == scope && $0.isActive(on: date) }
            .min { $0.validFrom < $1.validFrom }
    }

    public func activeDelegations(on date: LocalDate) -> [Delegation] {
        delegations.values.filter { $0.isActive(on: date) }.sorted { $0.validFrom < $1.validFrom }
    }
}

/// One upoważnienie: a scope for a period, ended early by a revocation.
public struct Delegation: Sendable, Hashable {
    public var delegationId: DelegationID
    public var scope: DelegationScope
    public var delegatedBy: StaffID
    public var validFrom: LocalDate
    /// The last day, inclusive; nil for open-ended.
    public var validTo: LocalDate?
    /// The first day the delegation no longer holds.
    public var revokedFrom: LocalDate?

    public func isActive(on date: LocalDate) -> Bool {
        guard validFrom <= date else { return false }
        if let validTo, date > validTo { return false }
        if let revokedFrom, date >= revokedFrom { return false }
        return true
    }

    /// Whether it still holds, or will, on or after `date`: what may be revoked from `date`.
    func isRevocable(from date: LocalDate) -> Bool {
        guard revokedFrom == nil else { return false }
        if let validTo { return date <= validTo }
        return true
    }
}
