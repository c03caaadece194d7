import Domain

/// Provider commands and events over `Fixture.programme`: NGO-1 engaged for `care` from 2025-04-01 through
/// 2025-12-31.
extension Fixture {
    static let registered = DomainEvent.providerRegistered(
        ProviderRegistered(providerId: providerId, name: "NGO-1", providerType: .ngo))
    static let otherAgreement = AgreementID(uuid: uuid(5))

    static func register(
        name: String = "NGO-1", krs: String? = nil, regon: String? = nil, nip: String? = nil,
        contactPersons: [ContactPerson] = []
    ) -> ProviderCommand {
        .registerProvider(
            RegisterProvider(
                providerId: providerId, name: name, providerType: .ngo, krs: krs, regon: regon, nip: nip,
                contactPersons: contactPersons))
    }

    static func engage(
        services: [String] = ["care"], mode: EngagementMode = .ngoEntrusted, programme: ProgrammeState = programme,
        centre: CentreFacts = urban, unitRate: Int64 = 4_000, from: LocalDate = day("2025-04-01"),
        to: LocalDate? = day("2025-12-31"), agreementId: AgreementID? = nil
    ) -> ProviderCommand {
        .engageProvider(
            EngageProvider(
                providerId: providerId, engagementId: engagementId, programme: programme, centre: centre,
                mode: mode, serviceIds: services, unitRate: unitRate, capacity: Capacity(unitsPerMonth: 400),
                validFrom: from, validTo: to, agreementId: agreementId))
    }

    /// The engagement `engage()` decides, as an event.
    static func engaged(services: [String] = ["care"], agreementId: AgreementID? = nil) -> DomainEvent {
        .providerEngaged(
            ProviderEngaged(
                providerId: providerId, engagementId: engagementId, programmeId: programmeId, mode: .ngoEntrusted,
                serviceIds: services, unitRate: 4_000, capacity: Capacity(unitsPerMonth: 400),
                validFrom: day("2025-04-01"), validTo: day("2025-12-31"), agreementId: agreementId))
    }

    static func suspended(from: LocalDate, until: LocalDate? = nil) -> DomainEvent {
        .providerSuspended(
            ProviderSuspended(providerId: providerId, reason: "Audit.", effectiveFrom: from, until: until))
    }

    static func changeCapacity(_ serviceId: String = "care", units: UInt64 = 300, from: LocalDate) -> ProviderCommand {
        .changeCapacity(
            ChangeProviderCapacity(
                providerId: providerId, engagementId: engagementId, serviceId: serviceId,
                capacity: Capacity(unitsPerMonth: units), effectiveFrom: from))
    }

    static func amendEngagement(
        unitRate: Int64? = nil, validTo: LocalDate? = nil, programme: ProgrammeState = programme,
        on date: LocalDate = day("2025-06-01")
    ) -> ProviderCommand {
        .amendEngagement(
            AmendProviderEngagement(
                providerId: providerId, engagementId: engagementId, programme: programme, centre: urban,
                unitRate: unitRate, validTo: validTo, reason: "Annex 1.", effectiveFrom: date))
    }

    static func endEngagement(on date: LocalDate = day("2025-09-01")) -> ProviderCommand {
        .endEngagement(
            EndProviderEngagement(
                providerId: providerId, engagementId: engagementId, reason: "Contract terminated.",
                effectiveFrom: date))
    }

    static func suspend(from: LocalDate, until: LocalDate? = nil) -> ProviderCommand {
        .suspendProvider(SuspendProvider(providerId: providerId, reason: "Audit.", effectiveFrom: from, until: until))
    }
}
