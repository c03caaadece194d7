import Domain
import Foundation
import Ledger
import Synchronization

extension ResidentSimulation {
    /// Services without a plan: a qualified resident is authorised from the next month for three months, and
    /// the provider reports weekly — some sessions missed, some reports repeated (a no-op), corrected or
    /// reversed, as providers' systems do.
    func serveMonth(_ month: Int) async throws(CommandError) {
        let qualified = world.residents.filter { resident in
            status(resident.index) == .qualified && world.service(resident)?.requiresPlan == false
        }
        try await inLanes(qualified) { resident, random throws(CommandError) in
            var random = SplitMix64(seed: resident.random ^ UInt64(month) ^ 0x5E4F)
            if self.authorisations.withLock({ $0[resident.index] }) == nil {
                try await self.authorise(resident, month: month, random: &random)
            }
            try await self.deliver(resident, month: month, random: &random)
        }
    }

    private func authorise(_ resident: GeneratedWorld.Resident, month: Int, random: inout SplitMix64)
        async throws(CommandError)
    {
        guard let service = world.service(resident) else { return }
        let start = world.day(month: month + 1, day: 1)
        let order = try await orderService(
            resident, units: service.unitsPerMonth * 3, from: start, through: start.adding(months: 3).adding(days: -1),
            on: world.day(month: month, day: 28),
            by: world.coordinators[resident.index % world.coordinators.count].actor, random: &random)
        if let order { authorisations.withLock { $0[resident.index] = order } }
    }

    /// Orders `units` of the resident's service from the provider engaged for it, inside a plan item when `item`
    /// is given (its plan must be approved); nil when the resident has no qualification or service.
    func orderService(
        _ resident: GeneratedWorld.Resident, units: UInt64, from start: LocalDate, through end: LocalDate,
        on date: LocalDate, by coordinator: Actor, item: (plan: PlanID, itemId: String)? = nil,
        random: inout SplitMix64
    ) async throws(CommandError) -> ServiceOrder? {
        guard let service = world.service(resident), let qualification = qualification(resident.index),
            let (provider, engagement) = world.engagement(forService: service.id)
        else { return nil }
        let programme = world.programmes[resident.programme].id
        let id = AuthorisationID(uuid: UUID128.random(using: &random).foundationUUID)
        counter.command()
        _ = try await delivery.authorisation(
            id, envelope: world.envelope(coordinator, on: date, random: &random, what: "authorise")
        ) { facts throws(CommandError) in
            .authorise(
                AuthoriseService(
                    authorisationId: id, personRef: resident.person, programme: try facts.programme(programme),
                    qualificationId: qualification, qualifiedServiceIds: [service.id],
                    plan: try item.flatMap { item throws(CommandError) in try facts.planFacts(item.plan) },
                    planItemId: item?.itemId,
                    alreadyAuthorisedForItem: try item.map { item throws(CommandError) in
                        try facts.authorisations().authorisedForItem(plan: item.plan, item: item.itemId)
                    } ?? 0, serviceId: service.id, provider: try facts.provider(provider), engagementId: engagement,
                    providerAuthorisedByMonth: try facts.authorisations().providerAuthorisedByMonth(
                        provider: provider, service: service.id),
                    unitsAuthorised: units, rate: 4_000, start: start, end: end))
        }
        return ServiceOrder(id: id, provider: provider, start: start, end: end)
    }

    private func deliver(_ resident: GeneratedWorld.Resident, month: Int, random: inout SplitMix64)
        async throws(CommandError)
    {
        guard let order = authorisations.withLock({ $0[resident.index] }), let service = world.service(resident)
        else { return }
        for (session, date) in sessionDays(of: service, month: month).enumerated()
        where date >= order.start && date <= order.end {
            try await deliverSession(session, on: date, resident, order, service, month: month, random: &random)
        }
    }

    /// The days of a month on which a service's weekly sessions fall (at most four).
    func sessionDays(of service: GenerationCatalogue.Service, month: Int) -> [LocalDate] {
        (0..<Int(min(4, service.unitsPerMonth))).map { world.day(month: month, day: 3 + 7 * $0) }
    }

    /// One weekly session reported by the provider: some missed, some reports repeated (a no-op), corrected or
    /// reversed. `plan` is the order's IPUS, whose suspensions refuse deliveries.
    func deliverSession(
        _ session: Int, on date: LocalDate, _ resident: GeneratedWorld.Resident, _ order: ServiceOrder,
        _ service: GenerationCatalogue.Service, month: Int, plan: PlanID? = nil, random: inout SplitMix64
    ) async throws(CommandError) {
        let units = service.unitsPerMonth / UInt64(min(4, service.unitsPerMonth))
        let staff = Actor.staff(StaffID(uuid: order.provider.uuid), role: .providerStaff)
        let deliveryID = "D-\(resident.index)-\(month)-\(session)"
        let occurred = Instant(microsecondsSinceEpoch: Instant(startOf: date).microsecondsSinceEpoch + 64_800_000_000)
        counter.command()
        if Int.random(in: 0..<100, using: &random) < 8 {
            _ = try await delivery.authorisation(
                order.id, envelope: world.envelope(staff, on: date, hour: 18, random: &random, what: "missed")
            ) { _ in
                .recordNonDelivery(
                    RecordNonDelivery(
                        providerId: order.provider, deliveryId: deliveryID, date: date, unitsPlanned: units,
                        reason: .residentAbsent))
            }
            return
        }
        let report = RecordDelivery(
            providerId: order.provider, deliveryId: deliveryID, deliveredOn: date, units: units,
            groupSession: service.unit == .session)
        let result = try await delivery.recordDelivery(order.id, report, plan: plan, by: staff, occurredAt: occurred)
        let roll = Int.random(in: 0..<100, using: &random)
        if roll < 4 {
            counter.command()
            _ = try await delivery.recordDelivery(order.id, report, plan: plan, by: staff, occurredAt: occurred)
        } else if roll < 9, let original = try originalEventID(result) {
            counter.command()
            _ = try await delivery.authorisation(
                order.id, envelope: world.envelope(staff, on: date, hour: 20, random: &random, what: "correction")
            ) { facts throws(CommandError) in
                roll < 7
                    ? .correctDelivery(
                        CorrectDelivery(
                            originalEventId: original, deliveredOn: date, units: max(1, units - 1),
                            reason: "Błąd wprowadzenia liczby godzin",
                            plan: try plan.flatMap { id throws(CommandError) in try facts.planFacts(id) }))
                    : .reverseDelivery(ReverseDelivery(originalEventId: original, reason: "Wizyta się nie odbyła"))
            }
        }
    }

    private func originalEventID(_ result: CommandResult) throws(CommandError) -> UUID? {
        guard let position = result.firstPosition else { return nil }
        do { return try pipeline.store.readAll(from: position, limit: 1).first?.id.rawValue.foundationUUID } catch {
            throw CommandError(error)
        }
    }
}
