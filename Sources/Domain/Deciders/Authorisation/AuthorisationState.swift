public import Foundation

/// One authorisation (zlecenie usługi) as its stream tells it, folded by `AuthorisationDecider.evolve`: the order,
/// and the three quantities of domain.md §4.7 that matter to it, authorised and effectively delivered (corrections
/// applied, reversals removed), plus the sessions missed. Workload and plan views read the same numbers.
public struct AuthorisationState: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        case notAuthorised, active, cancelled
    }

    /// A delivery as currently in force, with the ids of the events that recorded and corrected it.
    public struct Delivery: Hashable, Sendable {
        public let deliveryId: String
        public fileprivate(set) var deliveredOn: LocalDate
        public fileprivate(set) var units: UInt64
        public let groupSession: Bool
        public let overDelivery: Bool
        /// The `ServiceDelivered` event first, then each correction and reversal, as far as the fold knew ids.
        public fileprivate(set) var eventIds: [UUID]
        public fileprivate(set) var reversed: Bool
    }

    /// A session that did not take place.
    public struct NonDelivery: Hashable, Sendable {
        public let deliveryId: String
        public let date: LocalDate
        public let unitsPlanned: UInt64
        public let reason: NotDeliveredReason
    }

    public private(set) var order: ServiceAuthorised?
    public private(set) var unitsAuthorised: UInt64 = 0
    public private(set) var monthlyAllocation: [MonthlyUnits] = []
    public private(set) var start: LocalDate?
    public private(set) var end: LocalDate?
    /// The first day without the authorisation, once cancelled.
    public private(set) var cancelledFrom: LocalDate?
    public private(set) var deliveries: [String: Delivery] = [:]
    public private(set) var nonDeliveries: [String: NonDelivery] = [:]

    public init() {}

    public var status: Status {
        guard order != nil else { return .notAuthorised }
        return cancelledFrom == nil ? .active : .cancelled
    }

    public var authorisationId: AuthorisationID? { order?.authorisationId }
    public var effectiveDeliveries: [Delivery] {
        deliveries.values.filter { !$0.reversed }.sorted {
            ($0.deliveredOn, $0.deliveryId) < ($1.deliveredOn, $1.deliveryId)
        }
    }
    /// Sums saturate: units are bounded per report (`AuthorisationDecider.unitsMax`), but a fold must not trap on
    /// any recorded ledger.
    public var unitsDelivered: UInt64 { effectiveDeliveries.reduce(0) { Self.saturating($0, $1.units) } }
    public var unitsMissed: UInt64 { nonDeliveries.values.reduce(0) { Self.saturating($0, $1.unitsPlanned) } }

    static func saturating(_ left: UInt64, _ right: UInt64) -> UInt64 {
        let (sum, overflow) = left.addingReportingOverflow(right)
        return overflow ? .max : sum
    }
    /// Units still to deliver; zero once delivered in full or beyond.
    public var unitsRemaining: UInt64 { unitsAuthorised > unitsDelivered ? unitsAuthorised - unitsDelivered : 0 }

    /// Effective units delivered per month ("YYYY-MM").
    public var deliveredByMonth: [String: UInt64] {
        effectiveDeliveries.reduce(into: [:]) {
            $0[MonthlyAllocation.month(of: $1.deliveredOn)] = Self.saturating(
                $0[MonthlyAllocation.month(of: $1.deliveredOn)] ?? 0, $1.units)
        }
    }

    /// Whether services may be delivered under the authorisation on `date`: inside its period and not cancelled.
    public func isActive(on date: LocalDate) -> Bool {
        guard let start, let end, start <= date, date <= end else { return false }
        return cancelledFrom.map { date < $0 } ?? true
    }

    /// The delivery one of whose events has `eventId`.
    public func delivery(recordedBy eventId: UUID) -> Delivery? {
        deliveries.values.first { $0.eventIds.contains(eventId) }
    }

    /// Whether `deliveryId` was already used, for a delivery or a missed session.
    public func knows(deliveryId: String) -> Bool {
        deliveries[deliveryId] != nil || nonDeliveries[deliveryId] != nil
    }

    /// Folds one event of this authorisation's stream; `eventId` is nil when the caller does not know it.
    func applying(_ event: DomainEvent, eventId: UUID?) -> AuthorisationState {
        var state = self
        switch event {
        case .serviceAuthorised(let authorised) where order == nil:
            state.order = authorised
            state.unitsAuthorised = authorised.unitsAuthorised
            state.monthlyAllocation = authorised.monthlyAllocation
            state.start = authorised.start
            state.end = authorised.end
        case .serviceAuthorisationChanged(let changed) where changed.authorisationId == authorisationId:
            state.unitsAuthorised = changed.unitsAuthorised
            state.monthlyAllocation = changed.monthlyAllocation
            state.start = changed.start
            state.end = changed.end
        case .serviceAuthorisationCancelled(let cancelled) where cancelled.authorisationId == authorisationId:
            state.cancelledFrom = cancelled.effectiveFrom
        case .serviceDelivered(let delivered) where delivered.authorisationId == authorisationId:
            guard deliveries[delivered.deliveryId] == nil else { break }
            state.deliveries[delivered.deliveryId] = Delivery(
                deliveryId: delivered.deliveryId, deliveredOn: delivered.deliveredOn, units: delivered.units,
                groupSession: delivered.groupSession, overDelivery: delivered.overDelivery,
                eventIds: eventId.map { [$0] } ?? [], reversed: false)
        case .serviceNotDelivered(let missed) where missed.authorisationId == authorisationId:
            state.nonDeliveries[missed.deliveryId] = NonDelivery(
                deliveryId: missed.deliveryId, date: missed.date, unitsPlanned: missed.unitsPlanned,
                reason: missed.reason)
        case .deliveryCorrected(let corrected) where corrected.authorisationId == authorisationId:
            guard var delivery = deliveries[corrected.deliveryId] else { break }
            delivery.remember(corrected.originalEventId, then: eventId)
            delivery.deliveredOn = corrected.deliveredOn
            delivery.units = corrected.units
            state.deliveries[corrected.deliveryId] = delivery
        case .deliveryReversed(let reversed) where reversed.authorisationId == authorisationId:
            guard var delivery = deliveries[reversed.deliveryId] else { break }
            delivery.remember(reversed.originalEventId, then: eventId)
            delivery.reversed = true
            state.deliveries[reversed.deliveryId] = delivery
        default:
            break
        }
        return state
    }
}

extension AuthorisationState.Delivery {
    /// A correction names the event it corrects, so a fold without ids still learns the original's id.
    fileprivate mutating func remember(_ originalEventId: UUID, then eventId: UUID?) {
        if !eventIds.contains(originalEventId) { eventIds.append(originalEventId) }
        if let eventId, !eventIds.contains(eventId) { eventIds.append(eventId) }
    }
}
