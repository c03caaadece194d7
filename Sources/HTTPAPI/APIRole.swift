import HTTPTypes
public import Domain
public import Foundation

/// The roles a bearer token carries (domain.md §1). `system` is not among them: derived events come from duties,
/// never from a token.
public enum APIRole: String, Sendable, Hashable, CaseIterable, Codable {
    case coordinator
    case servicesOrganiser
    case director
    case intakeClerk
    case financeOfficer
    case communityOrganiser
    case providerStaff
    case auditor
    case evaluator
    case `operator`

    public var actorRole: ActorRole {
        switch self {
        case .coordinator: .coordinator
        case .servicesOrganiser: .servicesOrganiser
        case .director: .director
        case .intakeClerk: .intakeClerk
        case .financeOfficer: .financeOfficer
        case .communityOrganiser: .communityOrganiser
        case .providerStaff: .providerStaff
        case .auditor: .auditor
        case .evaluator: .evaluator
        case .operator: .operator
        }
    }

    /// What `--subject` names: the provider for provider staff, the staff member for everyone else.
    public var subjectKind: String { self == .providerStaff ? "providerId" : "staffId" }
}

/// Who is calling: the token's role and subject (a staffId, or a providerId for provider staff).
public struct Principal: Sendable, Hashable {
    public var tokenID: String
    public var role: APIRole
    public var subject: UUID

    public init(tokenID: String, role: APIRole, subject: UUID) {
        self.tokenID = tokenID
        self.role = role
        self.subject = subject
    }

    /// The actor recorded on events this principal causes.
    public var actor: Actor { .staff(StaffID(uuid: subject), role: role.actorRole) }
}
