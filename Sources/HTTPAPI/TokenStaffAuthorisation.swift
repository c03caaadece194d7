public import Commands
public import Domain

/// `--token` of the audit toolkit (`StaffAuthorisation`) checked against the API's token store: an active token
/// of one of `roles` stands for its staff member; an unknown, revoked or malformed token, or one of another role,
/// is refused in one line that never repeats the token.
public struct TokenStaffAuthorisation: StaffAuthorisation {
    /// Who may reveal residents' personal fields through the audit toolkit (timeline `--reveal`, the art. 15
    /// subject export): the auditor, and the director who answers for the centre as controller (README's matrix).
    public static let revealRoles: Set<APIRole> = [.auditor, .director]

    /// Who may see M&E cells below the small-cell threshold (`cus metrics --unsuppressed`): staff of the centre,
    /// never an evaluator (domain.md §6.3: suppression is for what evaluators and the public see), a provider or
    /// the operator.
    public static let unsuppressedMetricsRoles: Set<APIRole> = [
        .coordinator, .servicesOrganiser, .director, .intakeClerk, .financeOfficer, .communityOrganiser, .auditor,
    ]

    public let store: TokenStore
    public let roles: Set<APIRole>
    /// What the token is for, as the refusal names it ("reveal personal data").
    public let action: String

    public init(dataDirectory: String, roles: Set<APIRole>, action: String = "reveal personal data") {
        self.store = TokenStore(dataDirectory: dataDirectory)
        self.roles = roles
        self.action = action
    }

    public func staffMember(forToken token: String) throws(CommandError) -> Actor {
        guard let principal = store.authenticate(token) else {
            throw CommandError(.rejected, "the token is unknown, revoked or malformed (cus tokens list)")
        }
        guard roles.contains(principal.role) else {
            let allowed = roles.map(\.rawValue).sorted().joined(separator: ", ")
            throw CommandError(
                .rejected, "a \(principal.role.rawValue) token may not \(action); needs: \(allowed)")
        }
        return principal.actor
    }
}
