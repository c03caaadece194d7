/// Decides the services organiser's programme commands (domain.md §4.2) on one `programme-<ProgrammeID>` stream:
/// the council's resolutions (L4), the service catalogue (L1–L3), fee rules (L24–L26) and county agreements (L3).
///
/// A service is defined once per programme version: redefining a `serviceId` is refused until the programme is
/// amended, because the catalogue is part of the resolution's content, and then the new definition replaces the old
/// one. Dates are inclusive: a programme runs from `effectiveFrom` through `effectiveTo`; an amendment's
/// `effectiveFrom` is the day the new version takes effect, its `effectiveTo` the programme's new last day.
public enum ProgrammeDecider: Decider {
    public typealias Command = ProgrammeCommand
    public typealias State = ProgrammeState
    public typealias Rejection = ProgrammeRejection

    public static let initialState = ProgrammeState()

    public static func decide(
        _ command: ProgrammeCommand, state: ProgrammeState, rules: RuleContext
    ) throws(ProgrammeRejection) -> [DomainEvent] {
        guard rules.actor.role == .servicesOrganiser else { throw .notPermitted(role: rules.actor.role) }
        let events: [DomainEvent]
        switch command {
        case .adoptProgramme(let adopt): events = try decideAdoption(adopt, state: state, rules: rules)
        case .defineService(let define): events = try decideService(define, state: state, rules: rules)
        case .defineFeeRule(let define): events = try decideFeeRule(define, state: state, rules: rules)
        case .recordCountyAgreement(let record): events = try decideAgreement(record, state: state)
        case .amendProgramme(let amend): events = try decideAmendment(amend, state: state, rules: rules)
        case .endProgramme(let end): events = try decideEnd(end, state: state)
        }
        let violations = events.flatMap(\.fieldViolations)
        guard violations.isEmpty else { throw .invalidFields(violations) }
        return events
    }

    public static func evolve(_ state: ProgrammeState, _ event: DomainEvent) -> ProgrammeState {
        state.applying(event)
    }

    /// The facts of an adopted programme that has not ended; every command but adoption needs one.
    struct ActiveProgramme {
        var programmeId: ProgrammeID
        var effectiveFrom: LocalDate
        var effectiveTo: LocalDate
        var feeRegime: FeeRegime
    }

    static func requireActive(
        _ state: ProgrammeState, programmeId: ProgrammeID
    ) throws(ProgrammeRejection) -> ActiveProgramme {
        guard let id = state.programmeId, let from = state.effectiveFrom, let to = state.effectiveTo,
            let feeRegime = state.feeRegime
        else { throw .notAdopted }
        guard id == programmeId else { throw .wrongProgramme }
        guard !state.isEnded else { throw .alreadyEnded }
        return ActiveProgramme(programmeId: id, effectiveFrom: from, effectiveTo: to, feeRegime: feeRegime)
    }

    // L4: the council acts by resolution, identified by its number, date and official journal entry.
    private static func checkResolution(
        _ resolution: Resolution, rules: RuleContext
    ) throws(ProgrammeRejection) -> LocalDate {
        guard !isBlank(resolution.resolutionRef) else { throw .resolutionMissing(.resolutionRef) }
        guard let date = resolution.resolutionDate else { throw .resolutionMissing(.resolutionDate) }
        guard !isBlank(resolution.journalRef) else { throw .resolutionMissing(.journalRef) }
        guard date <= rules.today else { throw .resolutionDateInFuture(resolutionDate: date) }
        return date
    }

    private static func decideAdoption(
        _ command: AdoptProgramme, state: ProgrammeState, rules: RuleContext
    ) throws(ProgrammeRejection) -> [DomainEvent] {
        guard !state.isAdopted else { throw .alreadyAdopted }
        let resolutionDate = try checkResolution(command.resolution, rules: rules)
        guard command.effectiveTo > command.effectiveFrom else {
            throw .invalidPeriod(from: command.effectiveFrom, to: command.effectiveTo)
        }
        let adopted = ProgrammeAdopted(
            programmeId: command.programmeId, programmeVersion: 1, title: command.title,
            resolutionRef: command.resolution.resolutionRef, resolutionDate: resolutionDate,
            journalRef: command.resolution.journalRef, effectiveFrom: command.effectiveFrom,
            effectiveTo: command.effectiveTo, feeRegime: command.feeRegime, targetGroups: command.targetGroups,
            contentHash: command.contentHash)
        return [.programmeAdopted(adopted)]
    }

    private static func decideService(
        _ command: DefineProgrammeService, state: ProgrammeState, rules: RuleContext
    ) throws(ProgrammeRejection) -> [DomainEvent] {
        let programme = try requireActive(state, programmeId: command.programmeId)
        let serviceId = command.serviceId
        if let existing = state.services[serviceId], existing.definedInVersion >= state.currentVersion {
            throw .serviceAlreadyDefined(serviceId: serviceId)
        }
        guard rules.ruleSet.parameters.serviceAreas.contains(command.area.rawValue) else {
            throw .areaNotInRuleSet(area: command.area)
        }
        guard !command.material else { throw .materialService(serviceId: serviceId) }
        guard let addresseeType = command.addresseeType else { throw .addresseeTypeMissing(serviceId: serviceId) }
        guard !isBlank(command.statutoryBasis) else { throw .statutoryBasisMissing(serviceId: serviceId) }
        if command.taskOwner == .county, !command.centre.cityWithCountyRights,
            state.agreement(
                coveringService: serviceId, from: programme.effectiveFrom, through: programme.effectiveTo) == nil
        {
            throw .countyTaskWithoutAgreement(serviceId: serviceId)
        }
        if let feeRuleId = command.feeRuleId, state.feeRules[feeRuleId] == nil {
            throw .unknownFeeRule(feeRuleId: feeRuleId)
        }
        let defined = ProgrammeServiceDefined(
            programmeId: programme.programmeId, serviceId: serviceId, name: command.name, area: command.area,
            statutoryBasis: command.statutoryBasis, taskOwner: command.taskOwner, unit: command.unit,
            addresseeType: addresseeType, material: false, requiresPlan: command.requiresPlan,
            targetGroups: command.targetGroups, accessCriteria: command.accessCriteria,
            standardRef: command.standardRef, limits: command.limits, feeRuleId: command.feeRuleId)
        return [.programmeServiceDefined(defined)]
    }

    private static func decideAgreement(
        _ command: RecordCountyAgreement, state: ProgrammeState
    ) throws(ProgrammeRejection) -> [DomainEvent] {
        let programme = try requireActive(state, programmeId: command.programmeId)
        guard state.countyAgreements[command.agreementId] == nil else {
            throw .agreementAlreadyRecorded(agreementId: command.agreementId)
        }
        guard !command.serviceIds.isEmpty else { throw .agreementWithoutServices }
        if let validTo = command.validTo, validTo <= command.validFrom {
            throw .periodEndsBeforeStart(from: command.validFrom, to: validTo)
        }
        let recorded = CountyAgreementRecorded(
            programmeId: programme.programmeId, agreementId: command.agreementId,
            agreementRef: command.agreementRef, county: command.county, serviceIds: command.serviceIds,
            validFrom: command.validFrom, validTo: command.validTo)
        return [.countyAgreementRecorded(recorded)]
    }

    private static func decideAmendment(
        _ command: AmendProgramme, state: ProgrammeState, rules: RuleContext
    ) throws(ProgrammeRejection) -> [DomainEvent] {
        let programme = try requireActive(state, programmeId: command.programmeId)
        let resolutionDate = try checkResolution(command.resolution, rules: rules)
        guard command.effectiveTo > command.effectiveFrom else {
            throw .invalidPeriod(from: command.effectiveFrom, to: command.effectiveTo)
        }
        let earliest = max(programme.effectiveFrom, state.versions.last?.effectiveFrom ?? programme.effectiveFrom)
        guard command.effectiveFrom >= earliest else {
            throw .amendmentTooEarly(effectiveFrom: command.effectiveFrom, earliest: earliest)
        }
        // L3 holds for the whole programme: moving its end must not leave a county task without an agreement.
        if !command.centre.cityWithCountyRights {
            let countyServices = state.services.values.filter { $0.taskOwner == .county }.map(\.serviceId).sorted()
            for serviceId in countyServices
            where state.agreement(
                coveringService: serviceId, from: programme.effectiveFrom, through: command.effectiveTo) == nil
            {
                throw .countyTaskWithoutAgreement(serviceId: serviceId)
            }
        }
        let amended = ProgrammeAmended(
            programmeId: programme.programmeId, programmeVersion: state.currentVersion + 1,
            resolutionRef: command.resolution.resolutionRef, resolutionDate: resolutionDate,
            journalRef: command.resolution.journalRef, effectiveFrom: command.effectiveFrom,
            effectiveTo: command.effectiveTo, changes: command.changes, reason: command.reason)
        return [.programmeAmended(amended)]
    }

    private static func decideEnd(_ command: EndProgramme, state: ProgrammeState) throws(ProgrammeRejection)
        -> [DomainEvent]
    {
        let programme = try requireActive(state, programmeId: command.programmeId)
        guard command.endDate <= programme.effectiveTo else {
            throw .endAfterProgramme(endDate: command.endDate, effectiveTo: programme.effectiveTo)
        }
        let ended = ProgrammeEnded(
            programmeId: programme.programmeId, resolutionRef: command.resolutionRef, endDate: command.endDate,
            reason: command.reason)
        return [.programmeEnded(ended)]
    }

    static func isBlank(_ text: String) -> Bool {
        text.allSatisfy(\.isWhitespace)
    }
}
