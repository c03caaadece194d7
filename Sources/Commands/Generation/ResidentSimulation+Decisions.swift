import Domain
import Foundation
import Ledger
import Synchronization

extension ResidentSimulation {
    /// Qualification in filing order: about 7 % refused by decision (L11), the rest granted while places last
    /// and waitlisted after (L10).
    func decide(_ resident: GeneratedWorld.Resident, on day: LocalDate, random: inout SplitMix64)
        async throws(CommandError)
    {
        let programme = world.programmes[resident.programme].id
        let application = resident.application
        if Int.random(in: 0..<100, using: &random) < 7 {
            let signer = world.director
            let refusal = RefuseQualification(
                programmeId: programme, decisionRef: "CUS.4011.\(resident.index + 1).2025", decisionDate: day,
                legalBasis: "art. 104 k.p.a. w zw. z art. 6 ustawy o realizowaniu usług społecznych",
                appealInstruction:
                    "Od decyzji służy odwołanie do SKO za pośrednictwem dyrektora CUS w terminie 14 dni.",
                reasons: "Wnioskodawca nie należy do grupy docelowej programu.", signer: StaffState())
            try await sendApplication(application, signer.actor, day, &random) { facts throws(CommandError) in
                var signed = refusal
                signed.signer = try facts.staff(signer.id)
                return .refuseQualification(signed)
            }
            setStatus(resident.index, .refused)
            circumstances.withLock {
                $0[resident.index, default: .init()].refusalRef = refusal.decisionRef
                $0[resident.index, default: .init()].refusedOn = day
            }
            return
        }
        let coordinator = world.coordinators[resident.index % world.coordinators.count].actor
        let qualification = QualificationID(uuid: UUID128.random(using: &random).foundationUUID)
        do {
            try await sendApplication(application, coordinator, day, &random, queueOf: programme) {
                [services = resident.serviceIDs] facts throws(CommandError) in
                .grantQualification(
                    GrantQualification(
                        qualificationId: qualification, programmeId: programme, serviceIds: services, validFrom: day,
                        validTo: nil, groupMatched: [.senior60plus], programme: try facts.programmeFacts(programme),
                        queue: try facts.queue(programme)))
            }
            setStatus(resident.index, .qualified)
            setQualification(resident.index, qualification)
        } catch {
            guard error.rule == "L10" else { throw error }
            counter.rejected()
            try await sendApplication(application, .system("waitlist"), day, &random, queueOf: programme) {
                [services = resident.serviceIDs] facts throws(CommandError) in
                .waitlist(
                    WaitlistApplicant(
                        programmeId: programme, serviceIds: services, programme: try facts.programmeFacts(programme),
                        queue: try facts.queue(programme)))
            }
            setStatus(resident.index, .waitlisted)
        }
    }

    /// Promotes waitlisted applicants in filing order where places freed up; a few others give up waiting.
    func promoteAndWithdraw(on day: LocalDate) async throws(CommandError) {
        let waiting = world.residents.filter { status($0.index) == .waitlisted }
        for resident in waiting {
            var random = SplitMix64(seed: resident.random ^ UInt64(day.daysSinceEpoch))
            let programme = world.programmes[resident.programme].id
            if Int.random(in: 0..<100, using: &random) < 4 {
                let clerk = world.clerks[resident.index % world.clerks.count].actor
                let withdrawn = ApplicationWithdrawn(
                    applicationId: resident.application, personRef: resident.person, withdrawnOn: day,
                    personal: .init(reason: "Rezygnacja: pomoc zapewniona przez rodzinę."))
                try await sendApplication(resident.application, clerk, day, &random) { _ in .withdraw(withdrawn) }
                setStatus(resident.index, .withdrawn)
                continue
            }
            do {
                let qualification = QualificationID(uuid: UUID128.random(using: &random).foundationUUID)
                try await sendApplication(
                    resident.application, .system("waitlist"), day, &random, queueOf: programme
                ) { facts throws(CommandError) in
                    .promoteFromWaitlist(
                        PromoteFromWaitlist(
                            qualificationId: qualification, programmeId: programme, validFrom: day, validTo: nil,
                            groupMatched: [.senior60plus], programme: try facts.programmeFacts(programme),
                            queue: try facts.queue(programme)))
                }
                setStatus(resident.index, .qualified)
                setQualification(resident.index, qualification)
            } catch {
                guard error.rule == "L10" else { throw error }
                counter.rejected()
            }
        }
    }

    /// About 1 % of residents (at least one) ask for erasure at the end of the period (GDPR art. 17).
    func eraseSome() async throws(CommandError) {
        let lastDay = world.day(month: world.options.months, day: 1).adding(days: -1)
        let known = world.residents.filter { status($0.index) != .notArrived }
        for resident in known {
            var random = SplitMix64(seed: resident.random ^ 0xE4A5E)
            // At least one request in any run, so every run exercises crypto-shredding.
            guard Int.random(in: 0..<100, using: &random) == 0 || resident.index == known.first?.index else { continue }
            counter.command()
            _ = try await intake.erase(
                resident.person, reason: .art17, legalBasisRef: "RODO art. 17 ust. 1 lit. b",
                requestID: RequestID(uuid: UUID128.random(using: &random).foundationUUID),
                envelope: world.envelope(world.director.actor, on: lastDay, random: &random, what: "erase"))
        }
    }
}
