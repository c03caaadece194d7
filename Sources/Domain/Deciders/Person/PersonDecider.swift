/// Decisions on one resident's stream (`person-<PersonRef>`, osoba zainteresowana; domain.md §4.4): registration
/// with PESEL checks, target-group attributes, household, representatives (L9), consents (L13), rectification and
/// the erasure receipt (L28). Intake clerks and coordinators record; only the director or the retention duty
/// (system) may erase, and after erasure nothing more is recorded.
public enum PersonDecider: Decider {
    public typealias Command = PersonCommand
    public typealias State = PersonState
    public typealias Rejection = PersonRejection

    public static var initialState: PersonState { PersonState() }

    public static func decide(
        _ command: PersonCommand, state: PersonState, rules: RuleContext
    ) throws(PersonRejection) -> [DomainEvent] {
        try checkActor(command, role: rules.actor.role)
        if state.erased {
            if case .erasePersonalData = command { throw .alreadyErased }
            throw .erased
        }
        let event: DomainEvent
        if case .register(let register) = command {
            guard !state.isRegistered else { throw .alreadyRegistered }
            event = try decideRegistration(register)
        } else {
            guard let personRef = state.personRef else { throw .notRegistered }
            event = try decideRecord(command, personRef: personRef, state: state)
        }
        let violations = event.fieldViolations
        guard violations.isEmpty else { throw .invalidFields(violations) }
        return [event]
    }

    public static func evolve(_ state: PersonState, _ event: DomainEvent) -> PersonState {
        var state = state
        switch event {
        case .personRegistered(let registered):
            state.personRef = registered.personRef
        case .householdMembershipRecorded(let recorded):
            state.household = recorded.householdRef
            state.householdSince = recorded.validFrom
        case .householdMembershipEnded(let ended) where ended.householdRef == state.household:
            state.household = nil
            state.householdSince = nil
        case .representativeRecorded(let recorded):
            state.representatives.append(
                RepresentativeRecord(
                    representativeRef: recorded.representativeRef, kind: recorded.kind,
                    validFrom: recorded.validFrom, validTo: recorded.validTo))
        case .consentGranted(let granted):
            state.consents[granted.consentId] = ConsentRecord(
                purpose: granted.purpose, validFrom: granted.validFrom, validTo: granted.validTo, withdrawnFrom: nil)
        case .consentWithdrawn(let withdrawn):
            state.consents[withdrawn.consentId]?.withdrawnFrom = withdrawn.effectiveFrom
        case .personalDataErased:
            state.erased = true
        default:
            break
        }
        return state
    }

    /// The names `PersonDataRectified.fieldNames` must list: exactly the fields that carry a new value.
    public static func changedFieldNames(_ update: IdentityUpdate) -> [String] {
        let fields: [(String, Bool)] = [
            ("givenName", update.givenName != nil), ("familyName", update.familyName != nil),
            ("nationalID", update.nationalID != nil), ("address", update.address != nil),
            ("phone", update.phone != nil), ("email", update.email != nil), ("ageBand", update.ageBand != nil),
            ("sex", update.sex != nil), ("district", update.district != nil),
            ("residenceStatus", update.residenceStatus != nil),
        ]
        return fields.filter(\.1).map(\.0)
    }

    private static func checkActor(_ command: PersonCommand, role: ActorRole) throws(PersonRejection) {
        let allowed: Set<ActorRole> =
            if case .erasePersonalData = command { [.director, .system] } else { [.intakeClerk, .coordinator] }
        guard allowed.contains(role) else { throw .notPermitted(role: role) }
    }

    private static func decideRegistration(_ register: RegisterPerson) throws(PersonRejection) -> DomainEvent {
        if let nationalID = register.identity.nationalID, !NationalID.isValidPESEL(nationalID) {
            throw .invalidNationalID
        }
        guard !register.nationalIDAlreadyRegistered else { throw .duplicateNationalID }
        return .personRegistered(
            PersonRegistered(
                personRef: register.personRef, purposeTags: register.purposeTags, personal: register.identity))
    }

    private static func decideRecord(
        _ command: PersonCommand, personRef: PersonRef, state: PersonState
    ) throws(PersonRejection) -> DomainEvent {
        switch command {
        case .register:
            throw .alreadyRegistered
        case .recordTargetGroupAttribute(let record):
            try check(record.personRef, is: personRef)
            return try decideAttribute(record)
        case .recordHouseholdMembership(let recorded):
            try check(recorded.personRef, is: personRef)
            if let active = state.household { throw .householdAlreadyActive(active) }
            guard recorded.personal != nil else { throw .personalFieldsMissing }
            return .householdMembershipRecorded(recorded)
        case .endHouseholdMembership(let ended):
            try check(ended.personRef, is: personRef)
            guard state.household == ended.householdRef, let since = state.householdSince else {
                throw .householdNotActive(ended.householdRef)
            }
            try checkPeriod(from: since, to: ended.validTo)
            return .householdMembershipEnded(ended)
        case .recordRepresentative(let recorded):
            try check(recorded.personRef, is: personRef)
            guard recorded.representativeRef != personRef else { throw .representativeIsPerson }
            guard recorded.personal != nil else { throw .personalFieldsMissing }
            try checkPeriod(from: recorded.validFrom, to: recorded.validTo)
            return .representativeRecorded(recorded)
        default:
            return try decideConsentOrData(command, personRef: personRef, state: state)
        }
    }

    private static func decideConsentOrData(
        _ command: PersonCommand, personRef: PersonRef, state: PersonState
    ) throws(PersonRejection) -> DomainEvent {
        switch command {
        case .grantConsent(let granted):
            try check(granted.personRef, is: personRef)
            guard state.consents[granted.consentId] == nil else { throw .consentAlreadyRecorded(granted.consentId) }
            if let from = granted.validFrom { try checkPeriod(from: from, to: granted.validTo) }
            return .consentGranted(granted)
        case .withdrawConsent(let withdrawn):
            try check(withdrawn.personRef, is: personRef)
            guard let consent = state.consents[withdrawn.consentId], consent.withdrawnFrom == nil,
                consent.validTo.map({ withdrawn.effectiveFrom <= $0 }) ?? true
            else { throw .consentNotActive(withdrawn.consentId) }
            return .consentWithdrawn(withdrawn)
        case .rectifyData(let rectified):
            try check(rectified.personRef, is: personRef)
            return try decideRectification(rectified)
        case .erasePersonalData(let erased):
            try check(erased.personRef, is: personRef)
            guard !erased.keyIds.isEmpty else { throw .noKeysToErase }
            return .personalDataErased(erased)
        default:
            throw .alreadyRegistered
        }
    }

    private static func decideAttribute(_ record: RecordTargetGroupAttribute) throws(PersonRejection) -> DomainEvent {
        let evidenced = record.details.evidenceRef?.hasContent == true
        guard evidenced || !record.usedForEligibility else { throw .evidenceRequired }
        try checkPeriod(from: record.validFrom, to: record.validTo)
        return .targetGroupAttributeRecorded(
            TargetGroupAttributeRecorded(
                personRef: record.personRef, validFrom: record.validFrom, validTo: record.validTo,
                usedForEligibility: record.usedForEligibility, evidenced: evidenced, personal: record.details))
    }

    private static func decideRectification(_ rectified: PersonDataRectified) throws(PersonRejection) -> DomainEvent {
        guard let personal = rectified.personal else { throw .personalFieldsMissing }
        let changed = changedFieldNames(personal.newValues)
        guard !changed.isEmpty, rectified.fieldNames.sorted() == changed.sorted() else {
            throw .rectifiedFieldsMismatch(declared: rectified.fieldNames, changed: changed)
        }
        if let nationalID = personal.newValues.nationalID, !NationalID.isValidPESEL(nationalID) {
            throw .invalidNationalID
        }
        return .personDataRectified(rectified)
    }

    private static func check(_ commanded: PersonRef, is streamPerson: PersonRef) throws(PersonRejection) {
        guard commanded == streamPerson else { throw .wrongPerson }
    }

    private static func checkPeriod(from validFrom: LocalDate, to validTo: LocalDate?) throws(PersonRejection) {
        if let validTo, validTo < validFrom { throw .invalidPeriod(validFrom: validFrom, validTo: validTo) }
    }
}
