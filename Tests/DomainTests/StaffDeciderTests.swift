import Domain
import Foundation
import Testing

@Suite("StaffDecider: qualification (L21) and delegations")
struct StaffDeciderTests {
    let staff = StaffID(uuid: IntakeFixture.uuid(10))
    let delegationID = DelegationID(uuid: IntakeFixture.uuid(11))

    func day(_ text: String) -> LocalDate { IntakeFixture.day(text) }

    func fullEvidence(years: UInt64 = 2) -> StaffQualified.Personal {
        StaffQualified.Personal(
            qualification: "Social worker diploma", experienceYears: years, trainingRef: "IPUS-2024-17",
            criminalRecordStatementRef: "KRK-2024-03")
    }

    func qualify(_ role: StaffRole, from date: String = "2025-01-01", evidence: StaffQualified.Personal? = nil)
        -> StaffCommand
    {
        .qualify(
            QualifyStaff(staffId: staff, role: role, validFrom: day(date), evidence: evidence ?? fullEvidence()))
    }

    func qualified(_ role: StaffRole, from date: String = "2025-01-01") -> DomainEvent {
        .staffQualified(
            StaffQualified(staffId: staff, role: role, evidencedRequirements: [], validFrom: day(date)))
    }

    func delegate(
        _ scope: DelegationScope, from: String = "2025-02-01", to: String? = "2025-12-31",
        id: DelegationID? = nil
    ) -> StaffCommand {
        .delegateAuthority(
            DelegateAuthority(
                staffId: staff, delegationId: id ?? delegationID, scope: scope, validFrom: day(from),
                validTo: to.map(day)))
    }

    func delegated(_ scope: DelegationScope, from: String = "2025-02-01", to: String? = "2025-12-31") -> DomainEvent {
        .authorityDelegated(
            AuthorityDelegated(
                staffId: staff, delegationId: delegationID, scope: scope, delegatedBy: IntakeFixture.directorID,
                validFrom: day(from), validTo: to.map(day)))
    }

    func revoke(from date: String) -> StaffCommand {
        .revokeAuthority(
            RevokeAuthority(staffId: staff, delegationId: delegationID, effectiveFrom: day(date), reason: "Reorganised")
        )
    }

    func decide(
        _ given: [DomainEvent], _ command: StaffCommand, as role: ActorRole = .director, on date: String = "2025-03-01",
        ruleSet: RuleSet = IntakeFixture.ruleSet()
    ) throws(StaffRejection) -> [DomainEvent] {
        try StaffDecider.decide(
            command, state: StaffDecider.fold(given), rules: IntakeFixture.context(role, on: date, ruleSet: ruleSet))
    }

    // MARK: L21

    @Test("L21: a coordinator with all four requirements evidenced is qualified, and the event lists them")
    func coordinatorWithFullEvidenceIsQualified() throws {
        let events = try decide([], qualify(.coordinator))
        guard case .staffQualified(let event) = events.first else { Issue.record("no StaffQualified"); return }
        #expect(Set(event.evidencedRequirements) == Set(CoordinatorRequirement.allCases))
        #expect(event.personal == fullEvidence())
        #expect(StaffDecider.fold(events).holdsRole(.coordinator, on: day("2025-01-01")))
        #expect(!StaffDecider.fold(events).holdsRole(.coordinator, on: day("2024-12-31")))
    }

    @Test("L21: missing training and too little experience are named with the minimum years")
    func coordinatorWithMissingEvidenceIsRefused() {
        let evidence = StaffQualified.Personal(
            qualification: "Social worker diploma", experienceYears: 1, trainingRef: nil,
            criminalRecordStatementRef: "KRK-1")
        #expect(
            throws: StaffRejection.coordinatorRequirementsMissing(
                missing: [.socialWorkExperience, .ipusTraining], minExperienceYears: 2)
        ) { try decide([], qualify(.coordinator, evidence: evidence)) }
    }

    @Test("L21 boundary: exactly the minimum years is enough; one less is not")
    func experienceBoundary() throws {
        #expect(throws: Never.self) { try decide([], qualify(.coordinator, evidence: fullEvidence(years: 2))) }
        #expect(
            throws: StaffRejection.coordinatorRequirementsMissing(
                missing: [.socialWorkExperience], minExperienceYears: 2)
        ) { try decide([], qualify(.coordinator, evidence: fullEvidence(years: 1))) }
    }

    @Test("L21: a blank qualification or statement reference does not count as evidence")
    func blankEvidenceIsRefused() {
        var evidence = fullEvidence()
        evidence.qualification = "   "
        evidence.criminalRecordStatementRef = ""
        #expect(
            throws: StaffRejection.coordinatorRequirementsMissing(
                missing: [.socialWorkQualification, .noConvictionStatement], minExperienceYears: 2)
        ) { try decide([], qualify(.coordinator, evidence: evidence)) }
    }

    @Test("L21 is dated: 2 years suffice before a 2027 rule set raising the minimum to 3, and not from its first day")
    func ruleSetIsSelectedByCommandDate() throws {
        var stricter = IntakeFixture.statutory
        stricter.version = "2027-01-01.1"
        stricter.effectiveFrom = day("2027-01-01")
        stricter.parameters.coordinator.minExperienceYears = 3
        let book = try RuleBook([IntakeFixture.statutory, stricter])
        let command = qualify(.coordinator, from: "2026-12-31", evidence: fullEvidence(years: 2))

        let before = try book.ruleSet(inForceOn: day("2026-12-31"))
        #expect(throws: Never.self) { try decide([], command, on: "2026-12-31", ruleSet: before) }

        let from = try book.ruleSet(inForceOn: day("2027-01-01"))
        #expect(from.version == "2027-01-01.1")
        #expect(
            throws: StaffRejection.coordinatorRequirementsMissing(
                missing: [.socialWorkExperience], minExperienceYears: 3)
        ) { try decide([], command, on: "2027-01-01", ruleSet: from) }
    }

    @Test("Other roles need no art. 30 evidence; the event lists what was evidenced anyway")
    func organiserNeedsNoCoordinatorEvidence() throws {
        let events = try decide([], qualify(.servicesOrganiser, evidence: StaffQualified.Personal()))
        guard case .staffQualified(let event) = events.first else { Issue.record("no StaffQualified"); return }
        #expect(event.evidencedRequirements.isEmpty)
    }

    @Test("A role is granted once")
    func roleIsGrantedOnce() {
        #expect(throws: StaffRejection.alreadyQualified(role: .coordinator)) {
            try decide([qualified(.coordinator)], qualify(.coordinator))
        }
    }

    @Test("Only the director qualifies and delegates")
    func onlyDirectorDecides() {
        #expect(throws: StaffRejection.notPermitted(role: .coordinator)) {
            try decide([], qualify(.servicesOrganiser), as: .coordinator)
        }
        #expect(throws: StaffRejection.notPermitted(role: .system)) {
            try decide([qualified(.servicesOrganiser)], delegate(.approvePlans), as: .system)
        }
    }

    @Test("Evidence over the schema's limits is refused as invalid fields, naming the field only")
    func oversizedEvidenceIsInvalid() {
        var evidence = fullEvidence()
        evidence.trainingRef = String(repeating: "x", count: 300)
        #expect(
            throws: StaffRejection.invalidFields([
                FieldViolation(path: ".personal.trainingRef", rule: "longer than 256 characters")
            ])
        ) { try decide([], qualify(.coordinator, evidence: evidence)) }
    }

    // MARK: Delegations

    @Test("L17: plan approval may be delegated to a services organiser, and holds on the dates given")
    func approvePlansToOrganiser() throws {
        let given = [qualified(.servicesOrganiser)]
        let events = try decide(given, delegate(.approvePlans))
        guard case .authorityDelegated(let event) = events.first else { Issue.record("no event"); return }
        #expect(event.delegatedBy == IntakeFixture.directorID)
        let state = StaffDecider.fold(given + events)
        #expect(!state.hasDelegation(.approvePlans, on: day("2025-01-31")))
        #expect(state.hasDelegation(.approvePlans, on: day("2025-02-01")))
        #expect(state.hasDelegation(.approvePlans, on: day("2025-12-31")))
        #expect(!state.hasDelegation(.approvePlans, on: day("2026-01-01")))
        #expect(!state.hasDelegation(.signRefusals, on: day("2025-06-01")))
        #expect(state.activeDelegations(on: day("2025-06-01")).map(\.delegationId) == [delegationID])
    }

    @Test("L17: plan approval may not be delegated to a coordinator (not in plan.delegatedApproverRoles)")
    func approvePlansToCoordinatorIsRefused() {
        #expect(throws: StaffRejection.delegateLacksRole(scope: .approvePlans, eligibleRoles: [.servicesOrganiser])) {
            try decide([qualified(.coordinator)], delegate(.approvePlans))
        }
        #expect(StaffRejection.delegateLacksRole(scope: .approvePlans, eligibleRoles: []).rule == "L17")
    }

    @Test("L11: signing refusals may go to a coordinator, but not to someone holding no role")
    func signRefusalsNeedsSomeRole() {
        #expect(throws: Never.self) { try decide([qualified(.coordinator)], delegate(.signRefusals)) }
        #expect(
            throws: StaffRejection.delegateLacksRole(
                scope: .signRefusals, eligibleRoles: [.coordinator, .servicesOrganiser, .communityOrganiser])
        ) { try decide([], delegate(.signRefusals)) }
    }

    @Test("Boundary: the role must be held on the delegation's first day")
    func roleMustPrecedeDelegation() {
        #expect(throws: Never.self) {
            try decide([qualified(.servicesOrganiser, from: "2025-02-01")], delegate(.approvePlans))
        }
        #expect(throws: StaffRejection.delegateLacksRole(scope: .approvePlans, eligibleRoles: [.servicesOrganiser])) {
            try decide([qualified(.servicesOrganiser, from: "2025-02-02")], delegate(.approvePlans))
        }
    }

    @Test("Boundary: a delegation must start before it ends; one day apart is enough")
    func delegationPeriod() {
        let given = [qualified(.servicesOrganiser)]
        #expect(throws: Never.self) { try decide(given, delegate(.approvePlans, from: "2025-02-01", to: "2025-02-02")) }
        #expect(
            throws: StaffRejection.invalidDelegationPeriod(validFrom: day("2025-02-01"), validTo: day("2025-02-01"))
        ) { try decide(given, delegate(.approvePlans, from: "2025-02-01", to: "2025-02-01")) }
    }

    @Test("A delegation id is used once")
    func delegationIdIsUnique() {
        #expect(throws: StaffRejection.delegationAlreadyExists(delegationID)) {
            try decide([qualified(.coordinator), delegated(.signRefusals)], delegate(.signRefusals))
        }
    }

    @Test("Revoking an active delegation ends it from that day")
    func revokeActiveDelegation() throws {
        let given = [qualified(.coordinator), delegated(.signRefusals)]
        let events = try decide(given, revoke(from: "2025-06-01"))
        let state = StaffDecider.fold(given + events)
        #expect(state.hasDelegation(.signRefusals, on: day("2025-05-31")))
        #expect(!state.hasDelegation(.signRefusals, on: day("2025-06-01")))
    }

    @Test("Only an active delegation may be revoked: not twice, not an unknown one, not after it ended")
    func revokeInactiveDelegationIsRefused() throws {
        let given = [qualified(.coordinator), delegated(.signRefusals)]
        let revoked = try decide(given, revoke(from: "2025-06-01"))
        #expect(throws: StaffRejection.delegationNotActive(delegationID)) {
            try decide(given + revoked, revoke(from: "2025-07-01"))
        }
        #expect(throws: StaffRejection.delegationNotActive(delegationID)) {
            try decide([qualified(.coordinator)], revoke(from: "2025-07-01"))
        }
        #expect(throws: Never.self) { try decide(given, revoke(from: "2025-12-31")) }
        #expect(throws: StaffRejection.delegationNotActive(delegationID)) {
            try decide(given, revoke(from: "2026-01-01"))
        }
    }

    @Test("Rejections carry a rule, a kebab-case code and a message")
    func rejectionDescriptions() {
        let rejection = StaffRejection.coordinatorRequirementsMissing(missing: [.ipusTraining], minExperienceYears: 2)
        #expect(rejection.rule == "L21")
        #expect(rejection.code == "coordinator-requirements-missing")
        #expect(rejection.description.contains("ipusTraining"))
    }
}
