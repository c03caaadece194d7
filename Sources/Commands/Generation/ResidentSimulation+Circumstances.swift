import Domain
import Foundation
import Ledger
import Synchronization

/// What intake records about a resident besides the application (domain.md §4.4): target-group facts with
/// their evidence, a household, a representative, consents — and, where the resident consents to it, the
/// application forwarded to the competent unit (L13).
extension ResidentSimulation {
    func recordCircumstances(_ resident: GeneratedWorld.Resident, on day: LocalDate, random: inout SplitMix64)
        async throws(CommandError)
    {
        let clerk = world.clerks[resident.index % world.clerks.count].actor
        let person = resident.person
        if Int.random(in: 0..<100, using: &random) < 45 {
            let disability = Int.random(in: 0..<3, using: &random) == 0
            let details = TargetGroupAttributeRecorded.Personal(
                attribute: disability ? .disabilityCertificate : .senior60plus,
                degree: disability ? ["lekki", "umiarkowany", "znaczny"].randomElement(using: &random) : nil,
                evidenceRef: disability
                    ? "Orzeczenie PZON nr \(Int.random(in: 100...999, using: &random))/2024" : "Dowód osobisty")
            try await sendPerson(
                person, clerk, day, &random,
                .recordTargetGroupAttribute(
                    RecordTargetGroupAttribute(
                        personRef: person, validFrom: day, validTo: nil, usedForEligibility: true, details: details)))
        }
        if Int.random(in: 0..<100, using: &random) < 25 {
            let household = HouseholdRef(uuid: UUID128.random(using: &random).foundationUUID)
            try await sendPerson(
                person, clerk, day, &random,
                .recordHouseholdMembership(
                    HouseholdMembershipRecorded(
                        personRef: person, householdRef: household, validFrom: day,
                        personal: .init(role: Bool.random(using: &random) ? "osoba samotnie gospodarująca" : "członek"))
                ))
            circumstances.withLock { $0[resident.index, default: .init()].household = household }
        }
        if Int.random(in: 0..<100, using: &random) < 8 {
            let representative = PersonRef(uuid: UUID128.random(using: &random).foundationUUID)
            try await sendPerson(
                person, clerk, day, &random,
                .recordRepresentative(
                    RepresentativeRecorded(
                        personRef: person, representativeRef: representative, kind: .legalRepresentative,
                        validFrom: day,
                        personal: .init(
                            evidence:
                                "Postanowienie Sądu Rejonowego, sygn. I Ns \(Int.random(in: 10...999, using: &random))/24"
                        ))))
        }
        try await grantConsents(resident, by: clerk, on: day, random: &random)
    }

    /// Contact consent for most, survey consent for some (later withdrawn by a few), and for about 5 % a
    /// consent to forward the application to the county family support centre, which is then forwarded.
    private func grantConsents(
        _ resident: GeneratedWorld.Resident, by clerk: Actor, on day: LocalDate, random: inout SplitMix64
    ) async throws(CommandError) {
        let person = resident.person
        var granted: [(ConsentID, ConsentPurpose)] = []
        for (purpose, percent) in [(ConsentPurpose.contact, 70), (.survey, 30), (.forwardApplication, 5)]
        where Int.random(in: 0..<100, using: &random) < percent {
            let consent = ConsentID(uuid: UUID128.random(using: &random).foundationUUID)
            try await sendPerson(
                person, clerk, day, &random,
                .grantConsent(
                    ConsentGranted(
                        personRef: person, consentId: consent, purpose: purpose,
                        scope: purpose == .forwardApplication
                            ? "Przekazanie wniosku do PCPR" : "Kontakt w sprawie realizacji usług",
                        medium: purpose == .contact ? .oralRecorded : .written, validFrom: day)))
            granted.append((consent, purpose))
        }
        circumstances.withLock { $0[resident.index, default: .init()].consents = granted }
        guard let forwarding = granted.first(where: { $0.1 == .forwardApplication })?.0 else { return }
        let forwarded = ApplicationForwarded(
            applicationId: resident.application, personRef: person, targetUnit: "Powiatowe Centrum Pomocy Rodzinie",
            scope: "Wniosek w części dotyczącej turnusu rehabilitacyjnego", consentId: forwarding, forwardedOn: day)
        try await sendApplication(resident.application, clerk, day, &random) { facts throws(CommandError) in
            .forward(ForwardApplication(forwarded: forwarded, person: try facts.person(person)))
        }
    }

    func sendPerson(
        _ person: PersonRef, _ actor: Actor, _ date: LocalDate, _ random: inout SplitMix64, _ command: PersonCommand
    ) async throws(CommandError) {
        counter.command()
        _ = try await intake.person(
            person, command, envelope: world.envelope(actor, on: date, random: &random, what: "person \(person)"))
    }
}

/// What the simulation remembers of a resident's circumstances, to change them later in the run.
struct ResidentCircumstances: Sendable {
    var household: HouseholdRef?
    var consents: [(ConsentID, ConsentPurpose)] = []
    /// The month a refusal was appealed, while the appeal waits for the appeal body.
    var appealedIn: Int?
    var refusalRef: String?
    var refusedOn: LocalDate?
}
