public import Domain
import Foundation

/// Reads a programme's `MetricsFacts` from the MetricsFacts rows: effective deliveries joined to their
/// authorisation and service, missed sessions, first decisions, plans with the rule set's deadline (in force at
/// `filedAt`) and allowed lengths (in force at approval), appeals, engagements, and fee charges with their
/// exemption rule and dated settlements. Statistical attributes come from the person dimension
/// (`attributes(_:)`) and outcome fields from the outcome dimension (`MetricsFacts.attach(outcomes:)`), read
/// separately.
public enum MetricsFactsView {
    public static func facts(_ reader: RowReader, programme: ProgrammeID, ruleBook: RuleBook = .defaults)
        throws(ProjectionError) -> MetricsFacts
    {
        var facts = MetricsFacts()
        var authorisations: [AuthorisationID: MetricsAuthorisation] = [:]
        let linked = try reader.rows("authorisations", as: MetricsAuthorisation.self)
        for (key, row) in linked where row.programmeId == programme {
            let id = AuthorisationID(uuid: Self.uuid(key))
            authorisations[id] = row
            facts.authorisations.append(
                MetricsFacts.Authorisation(
                    id: id, serviceId: row.serviceId, providerId: row.providerId.description,
                    unitsAuthorised: Int64(clamping: row.unitsAuthorised), end: row.end,
                    allocation: Dictionary(
                        row.allocation.map { ($0.month, Int64(clamping: $0.units)) }, uniquingKeysWith: +),
                    planId: row.planId))
        }
        var services: [String: MetricsService] = [:]
        for (key, row) in try reader.rows("services", prefix: .uuid(programme.uuid), as: MetricsService.self) {
            services[Self.string(key, after: 16)] = row
        }
        let superseded = Set(try reader.rows(DeliveryTracker.supersededTable, as: UInt64.self).map(\.key))
        for (key, report) in try reader.rows(DeliveryTracker.table, as: DeliveryReport.self)
        where !superseded.contains(key) {
            guard let authorisation = authorisations[report.authorisationId] else { continue }
            let service = services[authorisation.serviceId]
            facts.deliveries.append(
                MetricsFacts.Delivery(
                    personRef: authorisation.personRef, date: report.date, serviceId: authorisation.serviceId,
                    unit: service?.unit ?? "unknown", area: service?.area ?? "unknown",
                    units: Int64(clamping: report.units),
                    authorisationId: report.authorisationId))
        }
        for (_, missed) in try reader.rows("missed", as: MetricsMissed.self) {
            guard let authorisation = authorisations[missed.authorisationId] else { continue }
            facts.missed.append(
                MetricsFacts.Missed(date: missed.date, serviceId: authorisation.serviceId, reason: missed.reason))
        }
        facts.rulings = try reader.rows("decisionEvents", prefix: .uuid(programme.uuid), as: MetricsDecision.self)
            .map { MetricsFacts.Ruling(decidedOn: $0.row.decidedOn, granted: $0.row.granted) }
        for (_, decision) in try reader.rows("decisions", prefix: .uuid(programme.uuid), as: MetricsDecision.self) {
            guard let filedAt = decision.filedAt else { continue }
            facts.decisions.append(
                MetricsFacts.Decision(
                    personRef: decision.personRef, filedAt: filedAt, decidedOn: decision.decidedOn,
                    granted: decision.granted))
        }
        for (key, plan) in try reader.rows("plans", as: MetricsPlan.self) where plan.programmeId == programme {
            guard let filedAt = plan.filedAt else { continue }
            let deadline = (try? ruleBook.ruleSet(inForceOn: filedAt))?.parameters.plan.deadlineDays ?? 30
            let allowed = plan.approvedOn.flatMap { try? ruleBook.ruleSet(inForceOn: $0) }?.parameters.plan
                .monthsAllowed
            let end: MetricsFacts.PlanEnd? =
                switch plan.ending {
                case MetricsPlan.completed: .completed
                case MetricsPlan.terminatedEarly: .terminatedEarly(reason: Suppression.notAvailable)
                default: nil
                }
            facts.plans.append(
                MetricsFacts.Plan(
                    personRef: plan.personRef, filedAt: filedAt, draftedOn: plan.draftedOn, approvedOn: plan.approvedOn,
                    plannedStart: plan.start, plannedEnd: plan.end, deadlineDays: deadline,
                    lengthWithinMonths: plan.start.flatMap { start in
                        plan.end.flatMap { end in allowed.map { start.spans(months: $0, through: end) } }
                    },
                    endedOn: plan.endedOn, end: end, summaryRecorded: plan.summaryRecorded,
                    hasSupportingActivity: plan.supportingActivity, id: PlanID(uuid: uuid(key)),
                    unitsPlanned: Dictionary(
                        plan.unitsPlanned.map { ($0.serviceId, Int64(clamping: $0.units)) }, uniquingKeysWith: +),
                    suspensions: plan.suspensions.map(\.fact),
                    summary: plan.summaryRecordedOn.map {
                        MetricsFacts.Summary(recordedOn: $0, goalsSet: Int64(clamping: plan.goalsSet))
                    }))
        }
        try charges(reader, programme: programme, into: &facts)
        for (_, row) in try reader.rows("appeals", as: MetricsAppeals.self) where row.wasRefused(in: programme) {
            // An appeal whose refusal is unknown counts wherever the application was refused, as before version 4.
            facts.appeals += row.appeals.filter { ($0.programmeId ?? programme) == programme }.map {
                MetricsFacts.Appeal(appealedOn: $0.appealedOn, resolvedOn: $0.resolvedOn, outcome: $0.outcome)
            }
        }
        for (key, service) in try reader.rows(MetricsFactsProjection.providerServices, as: WorkloadService.self) {
            let providerId = ProviderID(uuid: uuid(key)).description
            let serviceId = string(key, after: 16)
            for terms in service.engagements where terms.programmeId == programme {
                facts.engagements.append(
                    MetricsFacts.Engagement(providerId: providerId, serviceId: serviceId, terms: terms))
            }
        }
        for (_, list) in try reader.rows("waitlist", as: MetricsWaitlist.self) {
            for spell in list.spells where spell.programmeId == programme {
                facts.waiting.append(
                    MetricsFacts.Waiting(personRef: spell.personRef, enteredOn: spell.enteredOn, leftOn: spell.leftOn))
            }
        }
        for (_, row) in try reader.rows(
            "qualifications", prefix: .uuid(programme.uuid), as: MetricsQualification.self)
        {
            facts.qualifications.append(
                MetricsFacts.Qualification(personRef: row.personRef, validFrom: row.validFrom, validTo: row.validTo))
        }
        for (key, row) in try reader.rows("households", as: MetricsMemberships.self) {
            facts.memberships[PersonRef(uuid: uuid(key))] = row.memberships
        }
        return facts
    }

    /// The programme's fee charges, each with the exemption rule it was assessed under and its dated settlements.
    static func charges(_ reader: RowReader, programme: ProgrammeID, into facts: inout MetricsFacts)
        throws(ProjectionError)
    {
        var rules: [UUID: String] = [:]
        for (_, month) in try reader.rows("months", prefix: .uuid(programme.uuid), as: FeeMonthRow.self) {
            for charge in month.charges { rules[charge.chargeId.uuid] = charge.exemption?.exemptionRuleId }
        }
        var settlements: [UUID: [MetricsFacts.Settlement]] = [:]
        for (key, settlement) in try reader.rows("settlements", as: MetricsSettlement.self) {
            settlements[uuid(key), default: []].append(
                MetricsFacts.Settlement(date: settlement.date, amount: settlement.amount))
        }
        for (key, charge) in try reader.rows("charges", as: FeeCharge.self) where charge.programmeId == programme {
            let id = uuid(key)
            facts.charges.append(
                MetricsFacts.Charge(
                    personRef: charge.personRef, chargePeriod: charge.chargePeriod, gross: charge.totals.gross,
                    exemptedPartial: charge.totals.exemptedPartial, exemptedTotal: charge.totals.exemptedTotal,
                    paid: charge.totals.paid, cancelled: charge.totals.cancelled,
                    writtenOff: charge.totals.writtenOff, exemptionRule: rules[id], settlements: settlements[id] ?? []))
        }
    }

    /// The person dimension's attributes of every person it knows.
    public static func attributes(_ personDimension: RowReader) throws(ProjectionError)
        -> [PersonRef: StatisticalAttributes]
    {
        var attributes: [PersonRef: StatisticalAttributes] = [:]
        for (key, row) in try personDimension.rows("persons", as: StatisticalAttributes.self) {
            attributes[PersonRef(uuid: uuid(key))] = row
        }
        return attributes
    }

    static func uuid(_ key: RowKey, at offset: Int = 0) -> UUID {
        let bytes = Array(key.bytes[offset..<offset + 16])
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9],
                bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    static func string(_ key: RowKey, after offset: Int) -> String {
        let count = Int(key.bytes[offset])
        return String(decoding: key.bytes[(offset + 1)..<(offset + 1 + count)], as: UTF8.self)
    }
}

extension MetricsFactsView {
    /// The projections `facts(in:…withAttributes: true)` joins to MetricsFacts, picked from a running set: the
    /// person and outcome dimensions, present only where the Vault is at hand.
    public static func dimensions(among projections: [any Projection]) -> [any Projection] {
        projections.filter {
            type(of: $0) == PersonDimensionProjection.self || type(of: $0) == OutcomeDimensionProjection.self
        }
    }

    /// A programme's facts as stored in `store`, with the person dimension's statistical attributes and the outcome
    /// dimension's ratings when `withAttributes` (the Vault was at hand to build them); what `cus metrics` and the
    /// HTTP API both read.
    public static func facts(
        in store: ProjectionsStore, programme: ProgrammeID, ruleBook: RuleBook, withAttributes: Bool
    ) throws -> MetricsFacts {
        var facts = try store.read(MetricsFactsProjection.self) {
            try MetricsFactsView.facts($0, programme: programme, ruleBook: ruleBook)
        }
        if withAttributes {
            facts.attributes = try store.read(PersonDimensionProjection.self) { try MetricsFactsView.attributes($0) }
            facts.attach(
                outcomes: try store.read(OutcomeDimensionProjection.self) {
                    try OutcomeDimensionProjection.outcomes($0)
                })
        }
        return facts
    }
}
