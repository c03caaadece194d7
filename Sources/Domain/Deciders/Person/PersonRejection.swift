/// Why a command on a resident's stream was refused. Descriptions name fields and ids, never their values.
public enum PersonRejection: DomainRejection {
    /// L28: the PESEL's blind index already points at another resident.
    case duplicateNationalID
    /// Not 11 digits with a real birth date and a matching check digit.
    case invalidNationalID
    case alreadyRegistered
    case notRegistered
    /// L28: the personal data was erased; nothing more may be recorded about the resident.
    case erased
    /// L28: a second receipt for the same erasure.
    case alreadyErased
    /// L28: an erasure receipt must name the keys it destroys.
    case noKeysToErase
    /// An attribute used for eligibility needs evidence.
    case evidenceRequired
    /// A period must not end before it starts.
    case invalidPeriod(validFrom: LocalDate, validTo: LocalDate)
    /// One active household at a time.
    case householdAlreadyActive(HouseholdRef)
    case householdNotActive(HouseholdRef)
    /// L9: a resident cannot be their own representative.
    case representativeIsPerson
    case consentAlreadyRecorded(ConsentID)
    case consentNotActive(ConsentID)
    /// The declared field names differ from the fields that carry new values.
    case rectifiedFieldsMismatch(declared: [String], changed: [String])
    /// The command lacks personal fields this event requires (evidence, role, new values).
    case personalFieldsMissing
    /// The command names another resident than the stream holds.
    case wrongPerson
    case notPermitted(role: ActorRole)
    case invalidFields([FieldViolation])

    public var rule: String? {
        switch self {
        case .duplicateNationalID, .erased, .alreadyErased, .noKeysToErase: "L28"
        case .representativeIsPerson: "L9"
        default: nil
        }
    }

    public var code: String {
        switch self {
        case .duplicateNationalID: "duplicate-national-id"
        case .invalidNationalID: "invalid-national-id"
        case .alreadyRegistered: "already-registered"
        case .notRegistered: "not-registered"
        case .erased: "erased"
        case .alreadyErased: "already-erased"
        case .noKeysToErase: "no-keys-to-erase"
        case .evidenceRequired: "evidence-required"
        case .invalidPeriod: "invalid-period"
        case .householdAlreadyActive: "household-already-active"
        case .householdNotActive: "household-not-active"
        case .representativeIsPerson: "representative-is-person"
        case .consentAlreadyRecorded: "consent-already-recorded"
        case .consentNotActive: "consent-not-active"
        case .rectifiedFieldsMismatch: "rectified-fields-mismatch"
        case .personalFieldsMissing: "personal-fields-missing"
        case .wrongPerson: "wrong-person"
        case .notPermitted: "not-permitted"
        case .invalidFields: "invalid-fields"
        }
    }

    public var description: String {
        switch self {
        case .duplicateNationalID: "a resident with this national ID is already registered"
        case .invalidNationalID: "the national ID is not a valid PESEL"
        case .alreadyRegistered: "the resident is already registered"
        case .notRegistered: "the resident is not registered"
        case .erased: "the resident's personal data was erased"
        case .alreadyErased: "the resident's personal data was already erased"
        case .noKeysToErase: "an erasure must name the keys it destroys"
        case .evidenceRequired: "an attribute used for eligibility needs evidence"
        case .invalidPeriod(let from, let to): "the period from \(from) ends before it starts (\(to))"
        case .householdAlreadyActive(let ref): "household \(ref) is still active; end it first"
        case .householdNotActive(let ref): "household \(ref) is not the active household"
        case .representativeIsPerson: "a resident cannot represent themselves"
        case .consentAlreadyRecorded(let id): "consent \(id) is already recorded"
        case .consentNotActive(let id): "consent \(id) is not active"
        case .rectifiedFieldsMismatch(let declared, let changed):
            "declared fields [\(declared.joined(separator: ", "))] differ from changed fields "
                + "[\(changed.joined(separator: ", "))]"
        case .personalFieldsMissing: "the command lacks the personal fields this record requires"
        case .wrongPerson: "the command names another resident than this stream"
        case .notPermitted(let role): "\(role.rawValue) may not do this"
        case .invalidFields(let violations): "invalid fields: " + violations.map(\.path).joined(separator: ", ")
        }
    }
}
