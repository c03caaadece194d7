import Domain
import Foundation
import Ledger

/// The centre before residents arrive: qualified staff with delegations, the programmes adopted by the council
/// with their catalogues and fee rules, and providers engaged for every service.
struct GenerationSetUp {
    let world: GeneratedWorld
    let pipeline: CommandPipeline
    let facts: DomainFacts
    let counter: GenerationCounter

    var setUpDay: LocalDate { world.options.firstDay.adding(days: -20) }

    func run() async throws(CommandError) {
        var random = SplitMix64(seed: world.options.seed ^ 0x5E70)
        try await qualifyStaff(&random)
        for programme in world.programmes { try await adopt(programme, &random) }
        try await registerProviders(&random)
    }

    func send<D: Decider>(
        _ decider: D.Type, _ category: String, _ id: UUID, _ command: D.Command, by actor: Actor,
        on date: LocalDate, _ random: inout SplitMix64
    ) async throws(CommandError) {
        counter.command()
        _ = try await pipeline.execute(
            decider, stream: try LedgerNames.stream(category, id), command: command,
            envelope: world.envelope(actor, on: date, random: &random, what: "\(category) \(id)"))
    }

    private func qualifyStaff(_ random: inout SplitMix64) async throws(CommandError) {
        let everyone = [world.director] + world.organisers + world.coordinators + world.clerks + [world.finance]
        for member in everyone {
            let evidence = StaffQualified.Personal(
                qualification: "praca socjalna (studia I stopnia)",
                experienceYears: UInt64.random(in: 2...25, using: &random),
                trainingRef: "SZK-IPUS-\(Int.random(in: 100...999, using: &random))",
                criminalRecordStatementRef: "KRK-\(Int.random(in: 1000...9999, using: &random))")
            try await send(
                StaffDecider.self, "staff", member.id.uuid,
                .qualify(QualifyStaff(staffId: member.id, role: member.role, validFrom: setUpDay, evidence: evidence)),
                by: world.director.actor, on: setUpDay, &random)
        }
        let delegations: [(GeneratedWorld.StaffMember, DelegationScope)] =
            world.organisers.map { ($0, .approvePlans) } + [
                (world.organisers[0], .signRefusals), (world.finance, .decideFeeExemptions),
                (world.finance, .writeOffCharges),
            ]
        for (member, scope) in delegations {
            try await send(
                StaffDecider.self, "staff", member.id.uuid,
                .delegateAuthority(
                    DelegateAuthority(
                        staffId: member.id,
                        delegationId: DelegationID(uuid: UUID128.random(using: &random).foundationUUID),
                        scope: scope, validFrom: setUpDay, validTo: nil, documentRef: "UP-\(scope.rawValue)")),
                by: world.director.actor, on: setUpDay, &random)
        }
    }

    private func adopt(_ programme: GeneratedWorld.ProgrammePlan, _ random: inout SplitMix64) async throws(CommandError)
    {
        let organiser = world.organisers[0].actor
        let lastDay = world.options.firstDay.adding(months: world.options.months + 12).adding(days: -1)
        try await send(
            ProgrammeDecider.self, "programme", programme.id.uuid,
            .adoptProgramme(
                AdoptProgramme(
                    programmeId: programme.id, title: programme.template.title,
                    resolution: councilResolution(passedOn: setUpDay.adding(days: -30), &random),
                    effectiveFrom: setUpDay, effectiveTo: lastDay, feeRegime: programme.template.feeRegime,
                    targetGroups: programme.template.targetGroups)),
            by: organiser, on: setUpDay, &random)
        for service in programme.template.services {
            try await send(
                ProgrammeDecider.self, "programme", programme.id.uuid,
                .defineService(
                    DefineProgrammeService(
                        programmeId: programme.id, serviceId: service.id, name: service.name, area: service.area,
                        statutoryBasis: "ustawa o realizowaniu usług społecznych, art. 2 ust. 2", taskOwner: .gmina,
                        unit: service.unit, addresseeType: .person, requiresPlan: service.requiresPlan,
                        targetGroups: programme.template.targetGroups,
                        limits: ServiceLimits(maxPersons: programme.maxPersons[service.id]),
                        centre: CentreFacts(cityWithCountyRights: false))),
                by: organiser, on: setUpDay, &random)
        }
        guard programme.template.feeRegime == .charged else { return }
        let charged = programme.template.services.filter { $0.requiresPlan || $0.chargedWithoutPlan }.map(\.id)
        try await send(
            ProgrammeDecider.self, "programme", programme.id.uuid,
            .defineFeeRule(
                DefineFeeRule(
                    programmeId: programme.id, feeRuleId: "FR-1", serviceIds: charged, rate: 1_000,
                    incomeTiers: [
                        IncomeTier(incomeFrom: 0, incomeTo: 150_000, feePercent: 0),
                        IncomeTier(incomeFrom: 150_000, incomeTo: 300_000, feePercent: 50),
                        IncomeTier(incomeFrom: 300_000, feePercent: 100),
                    ],
                    exemptionRules: [
                        ExemptionRule(
                            exemptionRuleId: "EX-1", kind: .total, percent: 100,
                            criteria: "Dochód na osobę poniżej kryterium z art. 8 u.p.s.", incomeThreshold: 120_000),
                        ExemptionRule(
                            exemptionRuleId: "EX-2", kind: .partial, percent: 50,
                            criteria: "Więcej niż jedna osoba w gospodarstwie korzysta z usług opiekuńczych"),
                    ], effectiveFrom: setUpDay)),
            by: organiser, on: setUpDay, &random)
    }

    /// A municipal council resolution and its entry in the voivodeship's official journal.
    func councilResolution(passedOn date: LocalDate, _ random: inout SplitMix64) -> Resolution {
        Resolution(
            resolutionRef: "XII/\(Int.random(in: 100...300, using: &random))/\(date.components.year)",
            resolutionDate: date,
            journalRef: "Dz.Urz.Woj.\(date.components.year).\(Int.random(in: 1000...9999, using: &random))")
    }

    private func registerProviders(_ random: inout SplitMix64) async throws(CommandError) {
        let organiser = world.organisers[0].actor
        let services = world.engagedServices
        for (index, provider) in world.providers.enumerated() {
            try await send(
                ProviderDecider.self, "provider", provider.id.uuid,
                .registerProvider(
                    RegisterProvider(
                        providerId: provider.id, name: provider.name, providerType: provider.type,
                        regon: String(format: "%09d", Int.random(in: 10_000_000...999_999_999, using: &random)),
                        contactPersons: [
                            ContactPerson(
                                name: "\(PolishIdentities.femaleNames.randomElement(using: &random) ?? "Anna") "
                                    + "\(PolishIdentities.surnames.randomElement(using: &random)?.female ?? "Nowak")",
                                phone: "+48 22 \(Int.random(in: 100_0000...999_9999, using: &random))")
                        ])), by: organiser, on: setUpDay, &random)
            let (programme, service) = services[index % services.count]
            let state = try facts.programme(programme.id)
            try await send(
                ProviderDecider.self, "provider", provider.id.uuid,
                .engageProvider(
                    EngageProvider(
                        providerId: provider.id,
                        engagementId: world.engagementIDs[index],
                        programme: state,
                        centre: CentreFacts(cityWithCountyRights: false),
                        mode: provider.type == .cusOwnUnit ? .ownUnit : .ngoEntrusted, serviceIds: [service.id],
                        unitRate: Int64.random(in: 3_000...6_000, using: &random),
                        capacity: Capacity(unitsPerMonth: UInt64(max(40, world.options.residents / 4))),
                        validFrom: setUpDay, validTo: state.effectiveTo)), by: organiser, on: setUpDay, &random)
        }
    }
}
