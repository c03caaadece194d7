/// Why `AuthorisationDecider` refused a command. The checks of domain.md §4.7 are ❓ design rules, not numbered
/// rules of §3.2, so they cite rule "4.7"; state and input checks cite none. Messages carry ids, dates and
/// counts only.
public enum AuthorisationRejection: DomainRejection {
    case notPermitted(role: ActorRole)
    case invalidFields([FieldViolation])
    case notAuthorised
    case alreadyAuthorised
    case authorisationCancelled
    case reasonMissing

    case programmeNotActive
    case serviceNotInProgramme(serviceId: String)
    case notQualified(serviceId: String)
    case planRequired(serviceId: String)
    /// The plan facts given are missing, or describe another plan than the authorisation's.
    case planFactsMismatch
    case planNotActive
    case unknownPlanItem(itemId: String)
    case planItemServiceMismatch(itemId: String, serviceId: String)
    case outsidePlanPeriod(start: LocalDate, end: LocalDate)
    case exceedsPlannedUnits(planned: UInt64, authorised: UInt64)
    case providerNotEngaged(serviceId: String, start: LocalDate, end: LocalDate)
    case providerSuspended
    case periodEndsBeforeStart(start: LocalDate, end: LocalDate)
    case periodTooLong(months: Int)
    case noUnits
    /// More units in one order or report than `AuthorisationDecider.unitsMax`.
    case tooManyUnits(units: UInt64, max: UInt64)
    case negativeRate(rate: Int64)
    case allocationMismatch(allocated: UInt64, authorised: UInt64)
    case allocationMonthOutsidePeriod(month: String)
    case duplicateAllocationMonth(month: String)
    case belowDelivered(delivered: UInt64, authorised: UInt64)
    /// A change or cancellation would leave an effective delivery outside the authorisation.
    case deliveryOutsideNewPeriod(date: LocalDate)

    case wrongProvider
    case deliveryInFuture(date: LocalDate, today: LocalDate)
    case outsideAuthorisedPeriod(date: LocalDate)
    case planSuspended(date: LocalDate)
    case unknownDelivery
    case deliveryAlreadyReversed(deliveryId: String)

    public var rule: String? {
        switch self {
        case .notPermitted, .invalidFields, .notAuthorised, .alreadyAuthorised, .authorisationCancelled, .reasonMissing,
            .planFactsMismatch, .periodTooLong, .noUnits, .tooManyUnits, .negativeRate, .duplicateAllocationMonth,
            .wrongProvider,
            .unknownDelivery, .deliveryAlreadyReversed, .programmeNotActive, .serviceNotInProgramme:
            nil
        default: "4.7"
        }
    }

    public var code: String {
        switch self {
        case .notPermitted: "not-permitted"
        case .invalidFields: "invalid-fields"
        case .notAuthorised: "not-authorised"
        case .alreadyAuthorised: "already-authorised"
        case .authorisationCancelled: "authorisation-cancelled"
        case .reasonMissing: "reason-missing"
        case .programmeNotActive: "programme-not-active"
        case .serviceNotInProgramme: "service-not-in-programme"
        case .notQualified: "not-qualified"
        case .planRequired: "plan-required"
        case .planFactsMismatch: "plan-facts-mismatch"
        case .planNotActive: "plan-not-active"
        case .unknownPlanItem: "unknown-plan-item"
        case .planItemServiceMismatch: "plan-item-service-mismatch"
        case .outsidePlanPeriod: "outside-plan-period"
        case .exceedsPlannedUnits: "exceeds-planned-units"
        case .providerNotEngaged: "provider-not-engaged"
        case .providerSuspended: "provider-suspended"
        case .periodEndsBeforeStart: "period-ends-before-start"
        case .periodTooLong: "period-too-long"
        case .noUnits: "no-units"
        case .tooManyUnits: "too-many-units"
        case .negativeRate: "negative-rate"
        case .allocationMismatch: "allocation-mismatch"
        case .allocationMonthOutsidePeriod: "allocation-month-outside-period"
        case .duplicateAllocationMonth: "duplicate-allocation-month"
        case .belowDelivered: "below-delivered"
        case .deliveryOutsideNewPeriod: "delivery-outside-new-period"
        case .wrongProvider: "wrong-provider"
        case .deliveryInFuture: "delivery-in-future"
        case .outsideAuthorisedPeriod: "outside-authorised-period"
        case .planSuspended: "plan-suspended"
        case .unknownDelivery: "unknown-delivery"
        case .deliveryAlreadyReversed: "delivery-already-reversed"
        }
    }

    public var description: String {
        let reason =
            switch self {
            case .notPermitted(let role): RejectionText.notPermitted(role)
            case .invalidFields(let violations): RejectionText.invalidFields(violations)
            case .notAuthorised: "no service is authorised on this stream"
            case .alreadyAuthorised: "the authorisation already exists"
            case .authorisationCancelled: "the authorisation is cancelled"
            case .reasonMissing: "a reason is required"
            case .programmeNotActive: "the programme is not adopted or has ended"
            case .serviceNotInProgramme(let id): "service \(id) is not defined in the programme"
            case .notQualified(let id): "the qualification does not grant service \(id)"
            case .planRequired(let id): "service \(id) is authorised only inside an approved plan"
            case .planFactsMismatch: "the plan given is not the authorisation's plan"
            case .planNotActive: "the plan is not approved and running"
            case .unknownPlanItem(let id): "plan item \(id) does not exist"
            case .planItemServiceMismatch(let item, let service): "plan item \(item) does not order service \(service)"
            case .outsidePlanPeriod(let start, let end): "\(start) to \(end) is not within the plan's approved period"
            case .exceedsPlannedUnits(let planned, let authorised):
                "\(authorised) units would be authorised for an item planned at \(planned)"
            case .providerNotEngaged(let id, let start, let end):
                "the provider is not engaged for service \(id) on every day from \(start) to \(end)"
            case .providerSuspended: "the provider is suspended during the period"
            case .periodEndsBeforeStart(let start, let end): "the period from \(start) to \(end) ends before it starts"
            case .periodTooLong(let months): "the period spans \(months) months or more"
            case .noUnits: "the number of units must be positive"
            case .tooManyUnits(let units, let max): "\(units) units are over the \(max) one order or report may carry"
            case .negativeRate(let rate): "the rate cannot be negative (\(rate))"
            case .allocationMismatch(let allocated, let authorised):
                "the monthly allocation sums to \(allocated), not \(authorised)"
            case .allocationMonthOutsidePeriod(let month): "month \(month) is outside the period"
            case .duplicateAllocationMonth(let month): "month \(month) is allocated twice"
            case .belowDelivered(let delivered, let authorised):
                "\(authorised) units would be below the \(delivered) already delivered"
            case .deliveryOutsideNewPeriod(let date): "a delivery on \(date) would fall outside the authorisation"
            case .wrongProvider: "the provider is not the one authorised"
            case .deliveryInFuture(let date, let today): "a delivery on \(date) cannot be recorded on \(today)"
            case .outsideAuthorisedPeriod(let date): "the authorisation does not run on \(date)"
            case .planSuspended(let date): "the plan is suspended on \(date)"
            case .unknownDelivery: "the original event is not a delivery of this authorisation"
            case .deliveryAlreadyReversed(let id): "delivery \(id) was reversed"
            }
        return rule.map { "\($0): \(reason)" } ?? reason
    }
}
