import Commands
import Domain
import Foundation
import HTTPAPI
import Ledger
import Testing

/// Two subjects of the generated CUS for the authorisation matrix: an "own" order under a plan of coordinator A
/// delivered by provider X, and an "other" one under a plan of coordinator B (≠ A) delivered by provider Y (≠ X).
/// The coordinator's token names A and the provider staff's token names X, so "own" is theirs and "other" is not.
struct MatrixSubjects: Sendable {
    struct Side: Sendable {
        var plan: String
        var coordinator: String
        var authorisation: String
        var provider: String
        var person: String
        var programme: String
    }

    enum Which: String, Sendable {
        case own, other
    }

    let own: Side
    let other: Side
    /// An application id, a fresh one: the application routes gate on the role before reading anything.
    let application = UUID().uuidString.lowercased()

    init(_ fixture: APIFixture) throws {
        var orders: [(ServiceAuthorised, StaffID)] = []
        for (_, event) in try fixture.events("authorisation") {
            guard case .serviceAuthorised(let order) = event, let plan = order.planId,
                let coordinator = try fixture.facts.plan(plan).coordinatorId
            else { continue }
            orders.append((order, coordinator))
        }
        let pair = orders.lazy.flatMap { first in
            orders.lazy.filter { second in second.1 != first.1 && second.0.providerId != first.0.providerId }
                .map { (first, $0) }
        }.first
        guard let (own, other) = pair else {
            throw CommandError(.invalidRequest, "the generated CUS has no two orders of distinct coordinators")
        }
        self.own = Self.side(own.0, coordinator: own.1)
        self.other = Self.side(other.0, coordinator: other.1)
    }

    private static func side(_ order: ServiceAuthorised, coordinator: StaffID) -> Side {
        Side(
            plan: order.planId?.description ?? "", coordinator: coordinator.description,
            authorisation: order.authorisationId.description, provider: order.providerId.description,
            person: order.personRef.description, programme: order.programmeId.description)
    }

    func side(_ which: Which) -> Side { which == .own ? own : other }

    /// The token's subject of `role`: coordinator A, provider X, else the fixture's staff member of that role.
    func subject(of role: APIRole, in fixture: APIFixture) -> UUID {
        switch role {
        case .coordinator: UUID(uuidString: own.coordinator) ?? UUID()
        case .providerStaff: UUID(uuidString: own.provider) ?? UUID()
        default: fixture.subject(of: role)
        }
    }

    /// `path` with its parameters filled from `which` side.
    func fill(_ path: String, _ which: Which) -> String {
        let side = side(which)
        let values = [
            "{planId}": side.plan, "{authorisationId}": side.authorisation, "{personRef}": side.person,
            "{programmeId}": side.programme, "{providerId}": side.provider, "{staffId}": side.coordinator,
            "{applicationId}": application,
        ]
        return values.reduce(path) { path, pair in path.replacingOccurrences(of: pair.key, with: pair.value) }
    }

    /// What a role scoped to its own subjects must never see of the other side: ids, and the 8-character plan id
    /// the dashboard shows.
    func foreign(to role: APIRole) -> [String] {
        switch role {
        case .coordinator: [other.plan, String(other.plan.prefix(8)), other.coordinator, other.authorisation]
        case .providerStaff: [other.provider, other.authorisation]
        default: []
        }
    }
}
