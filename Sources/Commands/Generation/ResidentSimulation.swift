import Domain
import Foundation
import Ledger
import Synchronization

/// Residents month by month: arrivals (registration, a need signal for some, the application and its needs
/// assessment) run concurrently; qualification decisions then run in filing order, as L10 wants, followed by a
/// promotion pass over the waiting list and some withdrawals.
final class ResidentSimulation: Sendable {
    enum Status: Sendable, Equatable {
        case notArrived, assessed(filedAt: LocalDate), qualified, waitlisted, refused, withdrawn
    }

    let world: GeneratedWorld
    let intake: IntakeCommands
    let pipeline: CommandPipeline
    let counter: GenerationCounter
    private let statuses: Mutex<[Int: Status]> = Mutex([:])
    private let qualifications: Mutex<[Int: QualificationID]> = Mutex([:])
    let authorisations: Mutex<[Int: ServiceOrder]> = Mutex([:])
    let circumstances: Mutex<[Int: ResidentCircumstances]> = Mutex([:])
    let delivery: DeliveryCommands
    let reader: PersonalDataReader
    let plans: PlanCommands
    let planCases: Mutex<[Int: PlanCase]> = Mutex([:])
    let fees: FeeDesk

    /// An authorisation the simulation delivers against.
    struct ServiceOrder: Sendable {
        var id: AuthorisationID
        var provider: ProviderID
        var start: LocalDate
        var end: LocalDate
    }

    init(
        world: GeneratedWorld, intake: IntakeCommands, delivery: DeliveryCommands, plans: PlanCommands,
        fees: FeeCommands, reader: PersonalDataReader,
        pipeline: CommandPipeline, counter: GenerationCounter
    ) {
        self.world = world
        self.reader = reader
        self.delivery = delivery
        self.plans = plans
        self.fees = FeeDesk(fees)
        self.intake = intake
        self.pipeline = pipeline
        self.counter = counter
    }

    func status(_ index: Int) -> Status { statuses.withLock { $0[index] ?? .notArrived } }
    func setStatus(_ index: Int, _ status: Status) { statuses.withLock { $0[index] = status } }
    func qualification(_ index: Int) -> QualificationID? { qualifications.withLock { $0[index] } }
    func setQualification(_ index: Int, _ id: QualificationID) { qualifications.withLock { $0[index] = id } }

    func simulate(month: Int) async throws(CommandError) {
        try await changeCircumstances(month: month)
        let arriving = world.residents.filter { $0.firstMonth == month }
        try await inLanes(arriving) { resident, random throws(CommandError) in
            try await self.arrive(resident, month: month, random: &random)
        }
        let assessed = world.residents.compactMap { resident -> (GeneratedWorld.Resident, LocalDate)? in
            guard case .assessed(let filedAt) = status(resident.index) else { return nil }
            return (resident, filedAt)
        }.sorted { ($0.1, $0.0.index) < ($1.1, $1.0.index) }
        let decisionDay = world.day(month: month, day: 25)
        for (resident, _) in assessed {
            var random = SplitMix64(seed: resident.random ^ 0xDEC1)
            try await decide(resident, on: decisionDay, random: &random)
        }
        try await promoteAndWithdraw(on: world.day(month: month, day: 27))
        try await planMonth(month)
        try await serveMonth(month)
        try await feeMonth(month)
    }

    /// Runs `body` for each resident, `world.options.lanes` at a time, each with its own seeded random source.
    func inLanes(
        _ residents: [GeneratedWorld.Resident],
        _ body: @Sendable @escaping (GeneratedWorld.Resident, inout SplitMix64) async throws(CommandError) -> Void
    ) async throws(CommandError) {
        let lanes = max(1, world.options.lanes)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<lanes {
                    let mine = residents.enumerated().filter { $0.offset % lanes == lane }.map(\.element)
                    guard !mine.isEmpty else { continue }
                    group.addTask {
                        for resident in mine {
                            var random = SplitMix64(seed: resident.random)
                            try await body(resident, &random)
                        }
                    }
                }
                try await group.waitForAll()
            }
        } catch let error as CommandError { throw error } catch {
            throw CommandError(.storage, "a generation lane failed: \(error)")
        }
    }

    private func arrive(_ resident: GeneratedWorld.Resident, month: Int, random: inout SplitMix64)
        async throws(CommandError)
    {
        let clerk = world.clerks[resident.index % world.clerks.count].actor
        let filed = world.day(month: month, day: Int.random(in: 3...18, using: &random))
        counter.command()
        do {
            _ = try await intake.register(
                resident.person, purposeTags: ["intake"], identity: resident.identity,
                envelope: world.envelope(clerk, on: filed.adding(days: -2), random: &random, what: "register"))
        } catch {
            guard error.rule == "L28" else { throw error }
            // Two generated residents drew one PESEL: register this one without it.
            counter.rejected()
            var identity = resident.identity
            identity.nationalID = nil
            _ = try await intake.register(
                resident.person, purposeTags: ["intake"], identity: identity,
                envelope: world.envelope(clerk, on: filed.adding(days: -2), random: &random, what: "register again"))
        }
        let application = resident.application
        let programme = world.programmes[resident.programme]
        if Int.random(in: 0..<10, using: &random) < 4 {
            let signal = NeedSignalled(
                applicationId: application, personRef: resident.person,
                source: [.family, .neighbour, .institution, .resident].randomElement(using: &random) ?? .family,
                channel: .phone, signalledOn: filed.adding(days: -1),
                personal: .init(description: "Zgłoszenie telefoniczne: potrzebna pomoc w codziennych czynnościach."))
            try await sendApplication(application, clerk, filed.adding(days: -1), &random) { _ in .signalNeed(signal) }
        }
        let submitted = ApplicationSubmitted(
            applicationId: application, personRef: resident.person, applicantRole: .self, channel: .inPerson,
            programmeIds: [programme.id], requestedServiceIds: resident.serviceIDs, filedAt: filed,
            personal: .init(notes: "Wniosek złożony osobiście w punkcie obsługi."))
        try await sendApplication(application, clerk, filed, &random) {
            [person = resident.person] facts throws(CommandError) in
            .submit(
                SubmitApplication(
                    application: submitted, person: try facts.person(person),
                    programmes: [try facts.programmeFacts(programme.id)]))
        }
        try await recordCircumstances(resident, on: filed, random: &random)
        let assessor = world.coordinators[resident.index % world.coordinators.count]
        let assessedOn = filed.adding(days: Int64.random(in: 1...6, using: &random))
        let assessment = AssessmentID(uuid: UUID128.random(using: &random).foundationUUID)
        let place: AssessmentPlace = Bool.random(using: &random) ? .placeOfStay : .centre
        if place == .placeOfStay {
            // A home visit is arranged first; an assessment at the centre happens when the resident comes in.
            let scheduled = NeedsAssessmentScheduled(
                applicationId: application, personRef: resident.person, assessmentId: assessment,
                scheduledOn: assessedOn, place: place, assessorId: assessor.id)
            try await sendApplication(application, assessor.actor, filed, &random) { facts throws(CommandError) in
                .scheduleAssessment(ScheduleAssessment(scheduled: scheduled, assessor: try facts.staff(assessor.id)))
            }
        }
        let conducted = NeedsAssessmentConducted(
            applicationId: application, personRef: resident.person, assessmentId: assessment, conductedOn: assessedOn,
            place: place, assessorId: assessor.id,
            personal: .init(
                needs: [
                    NeedInDomain(domain: "dailyLiving", description: "Wymaga wsparcia w czynnościach dnia codziennego.")
                ],
                strengths: "Wsparcie rodziny w weekendy.", summary: "Zasadne objęcie usługami programu."))
        try await sendApplication(application, assessor.actor, assessedOn, &random) { facts throws(CommandError) in
            .conductAssessment(ConductAssessment(conducted: conducted, assessor: try facts.staff(assessor.id)))
        }
        setStatus(resident.index, .assessed(filedAt: filed))
    }

    func sendApplication(
        _ application: ApplicationID, _ actor: Actor, _ date: LocalDate, _ random: inout SplitMix64,
        queueOf programme: ProgrammeID? = nil,
        _ command: @Sendable @escaping (DomainFacts) throws(CommandError) -> ApplicationCommand
    ) async throws(CommandError) {
        counter.command()
        _ = try await intake.application(
            application, queueOf: programme,
            envelope: world.envelope(actor, on: date, random: &random, what: "application \(application)"),
            command: command)
    }
}
