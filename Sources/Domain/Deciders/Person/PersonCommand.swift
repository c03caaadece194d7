/// What staff may record on a resident's stream (`person-<PersonRef>`, domain.md §4.4). Personal fields arrive in
/// plaintext here and are sealed by Commands; facts the decider cannot see itself (a PESEL already in the Vault's
/// blind index) arrive as plain values.
public enum PersonCommand: Sendable, Hashable {
    case register(RegisterPerson)
    case recordTargetGroupAttribute(RecordTargetGroupAttribute)
    case recordHouseholdMembership(HouseholdMembershipRecorded)
    case endHouseholdMembership(HouseholdMembershipEnded)
    case recordRepresentative(RepresentativeRecorded)
    case grantConsent(ConsentGranted)
    case withdrawConsent(ConsentWithdrawn)
    case rectifyData(PersonDataRectified)
    case erasePersonalData(PersonalDataErased)
}

/// Record a target-group attribute; whether it is evidenced follows from `details.evidenceRef`, so the event's
/// `evidenced` flag cannot disagree with the sealed evidence.
public struct RecordTargetGroupAttribute: Sendable, Hashable {
    public var personRef: PersonRef
    public var validFrom: LocalDate
    public var validTo: LocalDate?
    public var usedForEligibility: Bool
    public var details: TargetGroupAttributeRecorded.Personal

    public init(
        personRef: PersonRef, validFrom: LocalDate, validTo: LocalDate?, usedForEligibility: Bool,
        details: TargetGroupAttributeRecorded.Personal
    ) {
        self.personRef = personRef
        self.validFrom = validFrom
        self.validTo = validTo
        self.usedForEligibility = usedForEligibility
        self.details = details
    }
}

/// Register a resident once. `nationalIDAlreadyRegistered` is the Vault's answer for the PESEL's keyed blind
/// index, looked up by Commands, since the decider never sees other streams.
public struct RegisterPerson: Sendable, Hashable {
    public var personRef: PersonRef
    public var purposeTags: [String]
    public var identity: PersonRegistered.Personal
    public var nationalIDAlreadyRegistered: Bool

    public init(
        personRef: PersonRef, purposeTags: [String], identity: PersonRegistered.Personal,
        nationalIDAlreadyRegistered: Bool
    ) {
        self.personRef = personRef
        self.purposeTags = purposeTags
        self.identity = identity
        self.nationalIDAlreadyRegistered = nationalIDAlreadyRegistered
    }
}
