extension DomainEvent {
    /// A resident named by an event's clear part, and the field that names them.
    public struct NamedPerson: Sendable, Hashable {
        public var personRef: PersonRef
        /// The field's name in the catalogue: `personRef`, `applicantRef`, `representativeRef` or `agreedBy`.
        public var field: String

        public init(_ personRef: PersonRef, _ field: String) {
            self.personRef = personRef
            self.field = field
        }
    }

    /// Every `PersonRef` field of the clear part, in catalogue order (the event's subject first): whom an event
    /// is about, and who applied, agreed or represents for them (ResidentTimeline, domain.md §5). The switch names
    /// every type, so a new type does not compile until it is sorted here; a test checks it against the
    /// catalogue's `PersonRef` fields.
    public var namedPersons: [NamedPerson] {
        switch self {
        case .personRegistered(let event): .subject(event.personRef)
        case .targetGroupAttributeRecorded(let event): .subject(event.personRef)
        case .householdMembershipRecorded(let event): .subject(event.personRef)
        case .householdMembershipEnded(let event): .subject(event.personRef)
        case .representativeRecorded(let event):
            [NamedPerson(event.personRef, "personRef"), NamedPerson(event.representativeRef, "representativeRef")]
        case .consentGranted(let event): .subject(event.personRef)
        case .consentWithdrawn(let event): .subject(event.personRef)
        case .personDataRectified(let event): .subject(event.personRef)
        case .personalDataErased(let event): .subject(event.personRef)
        case .personalDataViewed(let event): .subject(event.personRef)
        case .needSignalled(let event): .subject(event.personRef)
        case .applicationSubmitted(let event):
            [NamedPerson(event.personRef, "personRef")]
                + (event.applicantRef.map { [NamedPerson($0, "applicantRef")] } ?? [])
        case .applicationForwarded(let event): .subject(event.personRef)
        case .needsAssessmentScheduled(let event): .subject(event.personRef)
        case .needsAssessmentConducted(let event): .subject(event.personRef)
        case .qualificationGranted(let event): .subject(event.personRef)
        case .applicantWaitlisted(let event): .subject(event.personRef)
        case .waitlistPromoted(let event): .subject(event.personRef)
        case .qualificationRefused(let event): .subject(event.personRef)
        case .refusalAppealed(let event): .subject(event.personRef)
        case .appealResolved(let event): .subject(event.personRef)
        case .applicationWithdrawn(let event): .subject(event.personRef)
        case .coordinatorAssigned(let event): .subject(event.personRef)
        case .coordinatorReassigned(let event): .subject(event.personRef)
        case .planDrafted(let event): .subject(event.personRef)
        case .planAgreed(let event):
            [NamedPerson(event.personRef, "personRef"), NamedPerson(event.agreedBy, "agreedBy")]
        case .planApproved(let event): .subject(event.personRef)
        case .planUpdated(let event): .subject(event.personRef)
        case .planReviewed(let event): .subject(event.personRef)
        case .planSuspended(let event): .subject(event.personRef)
        case .planResumed(let event): .subject(event.personRef)
        case .planCompleted(let event): .subject(event.personRef)
        case .planTerminatedEarly(let event): .subject(event.personRef)
        case .planSummaryRecorded(let event): .subject(event.personRef)
        case .serviceAuthorised(let event): .subject(event.personRef)
        case .serviceAuthorisationChanged(let event): .subject(event.personRef)
        case .serviceAuthorisationCancelled(let event): .subject(event.personRef)
        case .serviceDelivered(let event): .subject(event.personRef)
        case .serviceNotDelivered(let event): .subject(event.personRef)
        case .deliveryCorrected(let event): .subject(event.personRef)
        case .deliveryReversed(let event): .subject(event.personRef)
        case .feeAssessed(let event): .subject(event.personRef)
        case .feeExemptionRequested(let event): .subject(event.personRef)
        case .feeExemptionGranted(let event): .subject(event.personRef)
        case .feeExemptionRefused(let event): .subject(event.personRef)
        case .feeExemptionRevoked(let event): .subject(event.personRef)
        case .paymentReceived(let event): .subject(event.personRef)
        case .chargeCancelled(let event): .subject(event.personRef)
        case .chargeWrittenOff(let event): .subject(event.personRef)
        case .ruleSetPublished, .programmeAdopted, .programmeServiceDefined, .feeRuleDefined, .countyAgreementRecorded,
            .programmeAmended, .programmeEnded, .providerRegistered, .providerEngaged, .providerCapacityChanged,
            .providerEngagementAmended, .providerEngagementEnded, .providerSuspended, .staffQualified,
            .authorityDelegated, .authorityRevoked:
            []
        }
    }
}

extension [DomainEvent.NamedPerson] {
    /// The event's subject, named by its `personRef` field.
    static func subject(_ person: PersonRef) -> Self { [DomainEvent.NamedPerson(person, "personRef")] }
}
