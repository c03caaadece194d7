import Domain
import Foundation
import Ledger

/// How the centre itself changes during a run (domain.md §4.2, §4.3, §4.10): a county agreement and a
/// pilot programme at the start, a temporary delegation, mid-run the main programme extended by the council,
/// a provider's capacity and another's rate changed, the pilot ended; after the last month a provider's
/// contract ends and another is suspended after an inspection. Only providers no resident is served by change
/// their engagement, so no authorisation is left without one.
struct CentreChanges {
    let setUp: GenerationSetUp
    let pilot: ProgrammeID
    let temporaryDelegation: DelegationID

    init(setUp: GenerationSetUp) {
        self.setUp = setUp
        var random = SplitMix64(seed: setUp.world.options.seed ^ 0xCE47)
        pilot = ProgrammeID(uuid: UUID128.random(using: &random).foundationUUID)
        temporaryDelegation = DelegationID(uuid: UUID128.random(using: &random).foundationUUID)
    }

    var world: GeneratedWorld { setUp.world }
    var midRun: Int { world.options.months / 2 }

    func run(month: Int) async throws(CommandError) {
        var random = SplitMix64(seed: world.options.seed ^ 0xCE47 ^ UInt64(month + 1) << 8)
        if month == 0 { try await startOfRun(&random) }
        if month == midRun { try await midRunChanges(month: month, &random) }
    }

    private func startOfRun(_ random: inout SplitMix64) async throws(CommandError) {
        let day = world.options.firstDay
        let organiser = world.organisers[0].actor
        let main = world.programmes[0]
        try await setUp.send(
            ProgrammeDecider.self, "programme", main.id.uuid,
            .recordCountyAgreement(
                RecordCountyAgreement(
                    programmeId: main.id, agreementId: AgreementID(uuid: UUID128.random(using: &random).foundationUUID),
                    agreementRef: "POR/\(Int.random(in: 10...99, using: &random))/\(day.components.year)",
                    county: "Powiat Przykładowy", serviceIds: main.template.services.prefix(1).map(\.id),
                    validFrom: day, validTo: nil)),
            by: organiser, on: day, &random)
        try await setUp.send(
            ProgrammeDecider.self, "programme", pilot.uuid,
            .adoptProgramme(
                AdoptProgramme(
                    programmeId: pilot, title: "Pilotaż: teleopieka dla osób samotnych",
                    resolution: setUp.councilResolution(passedOn: day.adding(days: -14), &random),
                    effectiveFrom: day, effectiveTo: day.adding(months: 24).adding(days: -1), feeRegime: .free,
                    targetGroups: ["senior60plus"])),
            by: organiser, on: day, &random)
        try await setUp.send(
            StaffDecider.self, "staff", world.organisers[1].id.uuid,
            .delegateAuthority(
                DelegateAuthority(
                    staffId: world.organisers[1].id, delegationId: temporaryDelegation, scope: .signRefusals,
                    validFrom: day, validTo: nil, documentRef: "UP-zastępstwo")),
            by: world.director.actor, on: day, &random)
    }

    private func midRunChanges(month: Int, _ random: inout SplitMix64) async throws(CommandError) {
        let day = world.day(month: month, day: 1)
        let organiser = world.organisers[0].actor
        let main = world.programmes[0]
        guard let effectiveTo = try setUp.facts.programme(main.id).effectiveTo else {
            throw CommandError(.invalidRequest, "the generated programme \(main.id) has no end date")
        }
        try await setUp.send(
            ProgrammeDecider.self, "programme", main.id.uuid,
            .amendProgramme(
                AmendProgramme(
                    programmeId: main.id, resolution: setUp.councilResolution(passedOn: day.adding(days: -10), &random),
                    effectiveFrom: day, effectiveTo: effectiveTo.adding(months: 12),
                    changes: "Przedłużenie okresu realizacji programu o 12 miesięcy",
                    reason: "Wysoka frekwencja i lista oczekujących", centre: CentreFacts(cityWithCountyRights: false))),
            by: organiser, on: day, &random)
        try await setUp.send(
            ProgrammeDecider.self, "programme", pilot.uuid,
            .endProgramme(
                EndProgramme(
                    programmeId: pilot, resolutionRef: "XV/\(Int.random(in: 100...300, using: &random))/2025",
                    endDate: day.adding(days: -1), reason: "Zakończenie pilotażu; usługa włączona do programu głównego")
            ),
            by: organiser, on: day, &random)
        try await setUp.send(
            StaffDecider.self, "staff", world.organisers[1].id.uuid,
            .revokeAuthority(
                RevokeAuthority(
                    staffId: world.organisers[1].id, delegationId: temporaryDelegation, effectiveFrom: day,
                    reason: "Powrót dyrektora z urlopu")),
            by: world.director.actor, on: day, &random)
        for (index, provider) in world.providers.enumerated() where !world.servesResidents(providerIndex: index) {
            try await changeEngagement(index, provider.id, on: day, &random)
            break
        }
        try await increaseCapacity(on: day, &random)
    }

    /// The first provider residents are served by gets 25 % more capacity from the month.
    private func increaseCapacity(on day: LocalDate, _ random: inout SplitMix64) async throws(CommandError) {
        let (_, service) = world.engagedServices[0]
        let provider = world.providers[0].id
        let capacity = UInt64(max(40, world.options.residents / 4)) * 5 / 4
        try await setUp.send(
            ProviderDecider.self, "provider", provider.uuid,
            .changeCapacity(
                ChangeProviderCapacity(
                    providerId: provider, engagementId: world.engagementIDs[0], serviceId: service.id,
                    capacity: Capacity(unitsPerMonth: capacity), effectiveFrom: day)),
            by: world.organisers[0].actor, on: day, &random)
    }

    /// A provider no resident is served by gets a new rate from the month.
    private func changeEngagement(_ index: Int, _ provider: ProviderID, on day: LocalDate, _ random: inout SplitMix64)
        async throws(CommandError)
    {
        let programme = world.engagedServices[index % world.engagedServices.count].programme
        try await setUp.send(
            ProviderDecider.self, "provider", provider.uuid,
            .amendEngagement(
                AmendProviderEngagement(
                    providerId: provider, engagementId: world.engagementIDs[index],
                    programme: try setUp.facts.programme(programme.id),
                    centre: CentreFacts(cityWithCountyRights: false),
                    unitRate: Int64.random(in: 4_000...6_500, using: &random), validTo: nil,
                    reason: "Waloryzacja stawki zgodnie z umową", effectiveFrom: day)),
            by: world.organisers[0].actor, on: day, &random)
    }

    /// After the last month: the last provider's contract ends and the one before it is suspended after an
    /// inspection, both from the day after the run (no resident's authorisation reaches past the run's services).
    func endOfRun() async throws(CommandError) {
        var random = SplitMix64(seed: world.options.seed ^ 0xE4D)
        let lastDay = world.day(month: world.options.months, day: 1).adding(days: -1)
        let from = lastDay.adding(days: 1)
        let spare = world.providers.indices.filter { !world.servesResidents(providerIndex: $0) }
        guard let ending = spare.last else { return }
        try await setUp.send(
            ProviderDecider.self, "provider", world.providers[ending].id.uuid,
            .endEngagement(
                EndProviderEngagement(
                    providerId: world.providers[ending].id, engagementId: world.engagementIDs[ending],
                    reason: "Rozwiązanie umowy za porozumieniem stron", effectiveFrom: from)),
            by: world.organisers[0].actor, on: lastDay, &random)
        let suspended = spare.count > 1 ? spare[spare.count - 2] : ending
        try await setUp.send(
            ProviderDecider.self, "provider", world.providers[suspended].id.uuid,
            .suspendProvider(
                SuspendProvider(
                    providerId: world.providers[suspended].id,
                    reason: "Nieprawidłowości stwierdzone w kontroli; wstrzymanie zleceń", effectiveFrom: from,
                    until: from.adding(months: 2))),
            by: world.organisers[0].actor, on: lastDay, &random)
    }
}

extension GeneratedWorld {
    /// Whether residents are authorised from provider `index`: the first provider engaged for each service.
    func servesResidents(providerIndex index: Int) -> Bool {
        let service = engagedServices[index % engagedServices.count].service.id
        return engagement(forService: service)?.provider == providers[index].id
    }
}
