/// A resident's clear facts as folded from `person-<PersonRef>`: what other decisions depend on (active
/// consents gate forwarding, L13; active representatives may apply, L9) and whether the personal data is gone.
/// It never holds personal fields, since folded events arrive sealed.
public struct PersonState: Sendable, Hashable {
    public var personRef: PersonRef?
    public var erased = false
    public var consents: [ConsentID: ConsentRecord] = [:]
    public var representatives: [RepresentativeRecord] = []
    /// The household the resident belongs to now; a second one needs this one ended first.
    public var household: HouseholdRef?
    public var householdSince: LocalDate?

    public init() {}

    public var isRegistered: Bool { personRef != nil }

    /// The consents for `purpose` in force on `date`, by id.
    public func activeConsents(for purpose: ConsentPurpose, on date: LocalDate) -> [ConsentID] {
        consents.filter { $0.value.purpose == purpose && $0.value.isActive(on: date) }.keys.sorted()
    }

    /// Active consents by purpose on `date`.
    public func activeConsentsByPurpose(on date: LocalDate) -> [ConsentPurpose: [ConsentID]] {
        var byPurpose: [ConsentPurpose: [ConsentID]] = [:]
        for (id, consent) in consents where consent.isActive(on: date) {
            byPurpose[consent.purpose, default: []].append(id)
        }
        return byPurpose.mapValues { $0.sorted() }
    }

    public func activeRepresentatives(on date: LocalDate) -> [RepresentativeRecord] {
        representatives.filter { $0.isActive(on: date) }
    }
}

/// A consent's clear facts: purpose and period, ended by a withdrawal.
public struct ConsentRecord: Sendable, Hashable {
    public var purpose: ConsentPurpose
    public var validFrom: LocalDate?
    public var validTo: LocalDate?
    /// The first day the consent no longer holds.
    public var withdrawnFrom: LocalDate?

    public func isActive(on date: LocalDate) -> Bool {
        if let validFrom, date < validFrom { return false }
        if let validTo, date > validTo { return false }
        if let withdrawnFrom, date >= withdrawnFrom { return false }
        return true
    }
}

/// Someone who may apply for the resident (L9): a legal representative or a de facto guardian.
public struct RepresentativeRecord: Sendable, Hashable {
    public var representativeRef: PersonRef
    public var kind: RepresentativeKind
    public var validFrom: LocalDate
    public var validTo: LocalDate?

    public func isActive(on date: LocalDate) -> Bool {
        guard validFrom <= date else { return false }
        if let validTo, date > validTo { return false }
        return true
    }
}
