import Domain
import Foundation
import Ledger
import Synchronization

/// What changes for residents already known to the centre in a month: refusals appealed to the appeal body
/// (SKO) and resolved a month later (L11), consents withdrawn, households left, personal data rectified, and
/// coordinators reading residents' files (each read logged as `PersonalDataViewed`, ledger.md §4.5).
extension ResidentSimulation {
    static let appealBody = "Samorządowe Kolegium Odwoławcze w Warszawie"

    func changeCircumstances(month: Int) async throws(CommandError) {
        let known = world.residents.filter { status($0.index) != .notArrived && $0.firstMonth < month }
        try await inLanes(known) { resident, random throws(CommandError) in
            var random = SplitMix64(seed: resident.random ^ UInt64(month) ^ 0x11FE)
            try await self.pursueAppeal(resident, month: month, random: &random)
            try await self.leaveAfterService(resident, month: month, random: &random)
            try await self.changeRecords(resident, month: month, random: &random)
            if Int.random(in: 0..<100, using: &random) < 3 {
                try await self.viewFile(resident, on: self.world.day(month: month, day: 12), random: &random)
            }
        }
    }

    /// About 40 % of refusals are appealed within the 14 days the instruction gives; the appeal body decides
    /// the next month, mostly upholding the refusal.
    private func pursueAppeal(_ resident: GeneratedWorld.Resident, month: Int, random: inout SplitMix64)
        async throws(CommandError)
    {
        let record = circumstances.withLock { $0[resident.index] ?? .init() }
        guard let decisionRef = record.refusalRef, let refusedOn = record.refusedOn else { return }
        let person = resident.person
        let refusedLastMonth =
            refusedOn >= world.day(month: month - 1, day: 1) && refusedOn < world.day(month: month, day: 1)
        if refusedLastMonth, record.appealedIn == nil, Int.random(in: 0..<100, using: &random) < 40 {
            let appealed = RefusalAppealed(
                applicationId: resident.application, personRef: person, decisionRef: decisionRef,
                appealBody: Self.appealBody, appealedOn: world.day(month: month, day: 3))
            try await sendApplication(resident.application, world.clerks[0].actor, appealed.appealedOn, &random) { _ in
                .appealRefusal(appealed)
            }
            circumstances.withLock { $0[resident.index]?.appealedIn = month }
        } else if record.appealedIn == month - 1 {
            let roll = Int.random(in: 0..<10, using: &random)
            let resolve = ResolveAppeal(
                decisionRef: decisionRef, appealBody: Self.appealBody,
                outcome: roll < 8 ? .upheld : roll == 8 ? .quashed : .remitted,
                appealDecisionRef: "SKO.4111.\(resident.index + 1).2025", resolvedOn: world.day(month: month, day: 15))
            try await sendApplication(resident.application, world.clerks[0].actor, resolve.resolvedOn, &random) {
                _ in .resolveAppeal(resolve)
            }
        }
    }

    /// A resident leaves once the service has run out — the authorisation of a service without a plan, or the
    /// plan with every step taken — which frees the place for the waiting list (L10).
    private func leaveAfterService(_ resident: GeneratedWorld.Resident, month: Int, random: inout SplitMix64)
        async throws(CommandError)
    {
        let monthStart = world.day(month: month, day: 1)
        guard status(resident.index) == .qualified, let service = world.service(resident) else { return }
        let servedUntil: LocalDate? =
            service.requiresPlan
            ? planCases.withLock { cases in
                cases[resident.index].flatMap { $0.steps.isEmpty ? $0.lastDay : nil }
            }
            : authorisations.withLock { $0[resident.index]?.end }
        guard let servedUntil, servedUntil < monthStart else { return }
        let withdrawn = ApplicationWithdrawn(
            applicationId: resident.application, personRef: resident.person, withdrawnOn: monthStart.adding(days: 1),
            personal: .init(reason: "Zakończenie korzystania z usługi; mieszkaniec nie wnosi o kontynuację."))
        try await sendApplication(
            resident.application, world.clerks[resident.index % world.clerks.count].actor, withdrawn.withdrawnOn,
            &random
        ) { _ in .withdraw(withdrawn) }
        setStatus(resident.index, .withdrawn)
    }

    /// Each month about 1 % withdraw a survey consent, 1 % leave their household and 2 % correct their address.
    private func changeRecords(_ resident: GeneratedWorld.Resident, month: Int, random: inout SplitMix64)
        async throws(CommandError)
    {
        let clerk = world.clerks[resident.index % world.clerks.count].actor
        let person = resident.person
        let day = world.day(month: month, day: 20)
        let record = circumstances.withLock { $0[resident.index] ?? .init() }
        if let survey = record.consents.first(where: { $0.1 == .survey })?.0,
            Int.random(in: 0..<100, using: &random) < 1
        {
            try await sendPerson(
                person, clerk, day, &random,
                .withdrawConsent(ConsentWithdrawn(personRef: person, consentId: survey, effectiveFrom: day)))
            circumstances.withLock { $0[resident.index]?.consents.removeAll { $0.0 == survey } }
        }
        if let household = record.household, Int.random(in: 0..<100, using: &random) < 1 {
            try await sendPerson(
                person, clerk, day, &random,
                .endHouseholdMembership(
                    HouseholdMembershipEnded(personRef: person, householdRef: household, validTo: day))
            )
            circumstances.withLock { $0[resident.index]?.household = nil }
        }
        if Int.random(in: 0..<100, using: &random) < 2 {
            let street = PolishIdentities.streets.randomElement(using: &random) ?? "ul. Długa"
            let address = "\(street) \(Int.random(in: 1...120, using: &random)), 00-950 Gmina Przykładowa"
            try await sendPerson(
                person, clerk, day, &random,
                .rectifyData(
                    PersonDataRectified(
                        personRef: person, fieldNames: ["address"],
                        personal: .init(
                            newValues: IdentityUpdate(address: address),
                            reason: "Zmiana miejsca zamieszkania zgłoszona przez mieszkańca"))))
        }
    }

    /// A coordinator opens the resident's file before a home visit: the read is logged first, then revealed.
    private func viewFile(_ resident: GeneratedWorld.Resident, on day: LocalDate, random: inout SplitMix64)
        async throws(CommandError)
    {
        let coordinator = world.coordinators[resident.index % world.coordinators.count]
        var records: [RecordedEvent] = []
        try StreamLoader(store: pipeline.store).forEachRecord(
            of: try LedgerNames.stream(PersonRegistered.category, resident.person)
        ) { (record: RecordedEvent) throws(CommandError) in records.append(record) }
        counter.command()
        _ = try await reader.reveal(
            records, of: resident.person, viewer: coordinator.actor, viewerID: coordinator.actor.ledgerName,
            purpose: "Przygotowanie wizyty w miejscu zamieszkania", channel: .api,
            envelope: world.envelope(coordinator.actor, on: day, random: &random, what: "view \(resident.person)"))
    }
}
