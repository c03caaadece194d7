import Domain

/// The programmes, services and providers a generated CUS runs: the service kinds of domain.md §1 (senior
/// club, care, respite care, neighbourly help, support groups, psychological counselling…), with limits sized
/// to the number of residents so some applicants wait.
struct GenerationCatalogue {
    struct Service {
        var id: String
        var name: String
        var area: ServiceArea
        var unit: ServiceUnit
        var requiresPlan: Bool
        /// Places per 100 residents; nil = no limit.
        var placesPerHundred: Int?
        /// Units a month a typical resident receives.
        var unitsPerMonth: UInt64
        /// Whether a charged programme's fee rule covers the service though it needs no plan (services needing a
        /// plan always are): the senior club's small session fee.
        var chargedWithoutPlan = false
    }

    struct Programme {
        var title: String
        var feeRegime: FeeRegime
        var targetGroups: [String]
        var services: [Service]
    }

    static let programmes: [Programme] = [
        Programme(
            title: "Program usług społecznych dla seniorów", feeRegime: .charged, targetGroups: ["senior60plus"],
            services: [
                Service(
                    id: "care", name: "Usługi opiekuńcze", area: .socialAssistance, unit: .hour, requiresPlan: true,
                    placesPerHundred: 18, unitsPerMonth: 8),
                Service(
                    id: "respite-care", name: "Opieka wytchnieniowa", area: .disabilitySupport, unit: .day,
                    requiresPlan: true, placesPerHundred: 6, unitsPerMonth: 2),
                Service(
                    id: "senior-club", name: "Klub seniora", area: .civicActivation, unit: .session,
                    requiresPlan: false, placesPerHundred: 25, unitsPerMonth: 4, chargedWithoutPlan: true),
            ]),
        Programme(
            title: "Program wsparcia psychologicznego i grup wsparcia", feeRegime: .free,
            targetGroups: ["familyWithChildren", "senior60plus"],
            services: [
                Service(
                    id: "psych", name: "Poradnictwo psychologiczne", area: .healthPromotion, unit: .session,
                    requiresPlan: true, placesPerHundred: 10, unitsPerMonth: 2),
                Service(
                    id: "support-group", name: "Grupa wsparcia", area: .familySupport, unit: .session,
                    requiresPlan: false, placesPerHundred: nil, unitsPerMonth: 2),
            ]),
        Programme(
            title: "Program pomocy sąsiedzkiej", feeRegime: .free, targetGroups: ["dependent"],
            services: [
                Service(
                    id: "neighbourly-help", name: "Pomoc sąsiedzka", area: .civicActivation, unit: .visit,
                    requiresPlan: false, placesPerHundred: 12, unitsPerMonth: 4)
            ]),
        Programme(
            title: "Program aktywizacji społeczno-zawodowej", feeRegime: .free, targetGroups: ["unemployed"],
            services: [
                Service(
                    id: "reintegration", name: "Reintegracja społeczna i zawodowa",
                    area: .socialAndVocationalReintegration,
                    unit: .session, requiresPlan: true, placesPerHundred: 5, unitsPerMonth: 4)
            ]),
    ]

    static let providerNames = [
        "Fundacja Złota Jesień", "Stowarzyszenie Pomocna Dłoń", "Spółdzielnia Socjalna Razem",
        "Caritas Parafii św. Anny",
        "Dom Dziennego Pobytu Przystań", "Centrum Wolontariatu", "Poradnia Rodzinna Most", "Klub Integracji Społecznej",
        "Opieka Domowa Sp. z o.o.", "Fundacja Dobry Sąsiad", "Stowarzyszenie Senior Plus", "PCK Oddział Rejonowy",
    ]
}
