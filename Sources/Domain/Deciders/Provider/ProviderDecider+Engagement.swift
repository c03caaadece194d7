// Engagements: a provider delivers only services of an active programme, within its period, and a county task
// only under a gmina–county agreement covering the whole engagement (L3, art. 3), unless the gmina is a city with
// county rights. An engagement in `countyAgreement` mode always cites an agreement.
extension ProviderDecider {
    static func decideEngagement(
        _ command: EngageProvider, state: ProviderState
    ) throws(ProviderRejection) -> [DomainEvent] {
        let providerId = try requireRegistered(state, providerId: command.providerId)
        guard state.engagements[command.engagementId] == nil else {
            throw .engagementAlreadyExists(engagementId: command.engagementId)
        }
        let programme = command.programme
        guard programme.isActive, let programmeId = programme.programmeId else { throw .programmeNotActive }
        guard !command.serviceIds.isEmpty else { throw .noServices }
        for serviceId in command.serviceIds where programme.services[serviceId] == nil {
            throw .serviceNotInProgramme(serviceId: serviceId)
        }
        let lastDay = try checkPeriod(from: command.validFrom, to: command.validTo, programme: programme)
        guard !state.suspensions.contains(where: { $0.overlaps(from: command.validFrom, through: lastDay) }) else {
            throw .providerSuspended
        }
        guard command.unitRate >= 0 else { throw .negativeUnitRate(unitRate: command.unitRate) }
        let agreementId = try resolveAgreement(
            mode: command.mode, serviceIds: command.serviceIds, from: command.validFrom, through: lastDay,
            requested: command.agreementId, programme: programme, centre: command.centre)
        let engaged = ProviderEngaged(
            providerId: providerId, engagementId: command.engagementId, programmeId: programmeId, mode: command.mode,
            serviceIds: command.serviceIds, unitRate: command.unitRate, capacity: command.capacity,
            validFrom: command.validFrom, validTo: command.validTo, procurementRef: command.procurementRef,
            agreementId: agreementId)
        return [.providerEngaged(engaged)]
    }

    static func decideAmendment(
        _ command: AmendProviderEngagement, state: ProviderState
    ) throws(ProviderRejection) -> [DomainEvent] {
        let providerId = try requireRegistered(state, providerId: command.providerId)
        let engagement = try requireOpenEngagement(state, command.engagementId)
        guard command.unitRate != nil || command.validTo != nil else { throw .nothingToAmend }
        guard engagement.isActive(on: command.effectiveFrom) else {
            throw .engagementNotActive(engagementId: command.engagementId, on: command.effectiveFrom)
        }
        if let unitRate = command.unitRate, unitRate < 0 { throw .negativeUnitRate(unitRate: unitRate) }
        if let validTo = command.validTo {
            let programme = command.programme
            guard programme.programmeId == engagement.programmeId else { throw .wrongProgramme }
            let lastDay = try checkPeriod(from: engagement.validFrom, to: validTo, programme: programme)
            _ = try resolveAgreement(
                mode: engagement.mode, serviceIds: engagement.serviceIds, from: engagement.validFrom,
                through: lastDay, requested: engagement.agreementId, programme: programme, centre: command.centre)
        }
        let amended = ProviderEngagementAmended(
            providerId: providerId, engagementId: command.engagementId, unitRate: command.unitRate,
            validTo: command.validTo, reason: command.reason, effectiveFrom: command.effectiveFrom)
        return [.providerEngagementAmended(amended)]
    }

    /// Checks `from ... to` lies within the programme's active period and returns its last day (the programme's
    /// when `to` is nil).
    private static func checkPeriod(
        from: LocalDate, to: LocalDate?, programme: ProgrammeState
    ) throws(ProviderRejection) -> LocalDate {
        if let to, to <= from { throw .periodEndsBeforeStart(from: from, to: to) }
        guard let period = programme.activePeriod else { throw .outsideProgrammePeriod(from: from, to: to) }
        let lastDay = to ?? period.upperBound
        guard period.contains(from), period.contains(lastDay) else {
            throw .outsideProgrammePeriod(from: from, to: to)
        }
        return lastDay
    }

    /// The agreement the engagement cites: the one requested, which must cover every service that needs it, or
    /// else the first recorded one that does. Nil when no service needs one and none was requested.
    private static func resolveAgreement(
        mode: EngagementMode, serviceIds: [String], from: LocalDate, through: LocalDate, requested: AgreementID?,
        programme: ProgrammeState, centre: CentreFacts
    ) throws(ProviderRejection) -> AgreementID? {
        let needing = serviceIds.filter { serviceId in
            mode == .countyAgreement
                || (programme.services[serviceId]?.taskOwner == .county && !centre.cityWithCountyRights)
        }
        if let requested {
            guard let agreement = programme.countyAgreements[requested] else {
                throw .unknownAgreement(agreementId: requested)
            }
            for serviceId in needing where !agreement.covers(serviceId: serviceId, from: from, through: through) {
                throw .countyTaskWithoutAgreement(serviceId: serviceId)
            }
            return requested
        }
        guard let firstNeeding = needing.first else { return nil }
        let covering = programme.countyAgreements.values.sorted { $0.agreementId < $1.agreementId }.first { agreement in
            needing.allSatisfy { agreement.covers(serviceId: $0, from: from, through: through) }
        }
        if let covering { return covering.agreementId }
        let uncovered = needing.first { programme.agreement(coveringService: $0, from: from, through: through) == nil }
        throw .countyTaskWithoutAgreement(serviceId: uncovered ?? firstNeeding)
    }
}
