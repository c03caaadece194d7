import Domain
import Foundation

/// Authorisations and deliveries: over-delivery (§4.7), ended providers (§4.3) and coordination without a plan
/// (L14), raised and resolved as the authorisation's units, days and reports change.
extension ComplianceAlertsProjection {
    func applyAuthorisation(_ event: ProjectedEvent, _ alerts: AlertBook, _ rows: RowBatch) throws(ProjectionError) {
        let authorisations = try rows.table("authorisations", of: AlertAuthorisation.self)
        switch event.event {
        case .serviceAuthorised(let authorised):
            authorisations.put(.uuid(authorised.authorisationId.uuid), AlertAuthorisation(authorised))
            try rows.table("providers", of: IdentifierList<AuthorisationID>.self).update(
                .uuid(authorised.providerId.uuid), orInsert: { IdentifierList() }
            ) { $0.ids.append(authorised.authorisationId) }
            guard authorised.planId == nil else { return }
            try coordination(of: authorised.personRef, alerts, rows) { $0.append(authorised) }
        case .serviceAuthorisationChanged(let changed):
            try authorisations.update(.uuid(changed.authorisationId.uuid)) { row throws(ProjectionError) in
                row?.unitsAuthorised = changed.unitsAuthorised
                row?.start = changed.start
                row?.end = changed.end
                try recheck(&row, changed.authorisationId, alerts)
            }
            try coordination(of: changed.personRef, alerts, rows) { current in
                guard let index = current.firstIndex(where: { $0.authorisationId == changed.authorisationId }) else {
                    return
                }
                current[index].unitsAuthorised = changed.unitsAuthorised
                current[index].monthlyAllocation = changed.monthlyAllocation
                current[index].start = changed.start
                current[index].end = changed.end
            }
        case .serviceAuthorisationCancelled(let cancelled):
            try authorisations.update(.uuid(cancelled.authorisationId.uuid)) { row throws(ProjectionError) in
                row?.cancelledFrom = cancelled.effectiveFrom
                try recheck(&row, cancelled.authorisationId, alerts)
            }
            try coordination(of: cancelled.personRef, alerts, rows) { current in
                current.removeAll { $0.authorisationId == cancelled.authorisationId }
            }
        default:
            try applyDelivery(event, authorisations, alerts, rows)
        }
    }

    /// Reports change the units delivered (corrections and reversals through `DeliveryTracker`); a report over
    /// the total raises an alert, and the alert follows the report through corrections until it is resolved.
    private func applyDelivery(
        _ event: ProjectedEvent, _ authorisations: RowTable<AlertAuthorisation>, _ alerts: AlertBook,
        _ rows: RowBatch
    ) throws(ProjectionError) {
        let changes = try DeliveryTracker.changes(for: event, in: rows, reports: .notKept)
        for change in changes {
            try authorisations.update(.uuid(change.authorisationId.uuid)) { row in
                if let delivered = row?.unitsDelivered { row?.unitsDelivered = delivered.adding(change.units) }
            }
        }
        guard let authorisation = changes.last?.authorisationId else { return }
        try authorisations.update(.uuid(authorisation.uuid)) { row throws(ProjectionError) in
            guard row != nil else { return }
            switch event.event {
            case .serviceDelivered(let delivered):
                // A report only adds units: it raises, and never resolves.
                if let alertId = try alerts.raise(ComplianceAlert.overDelivery(delivered)) {
                    row?.overDeliveries.append(OverDeliveryLink(reportEventId: event.eventUUID, alertId: alertId))
                }
                return
            case .deliveryCorrected(let corrected):
                // The correction now carries the report's units, and its alert, until it is resolved. The report it
                // replaced may be a later one than the one it names (`DeliveryTracker.Changes.replacedReport`).
                if let index = row?.overDeliveries.firstIndex(where: { $0.reportEventId == changes.replacedReport }) {
                    row?.overDeliveries[index].reportEventId = event.eventUUID
                } else if let current = row, current.overDeliveries.isEmpty,
                    let alertId = try alerts.raise(
                        ComplianceAlert.overDelivery(
                            corrected, unitsDelivered: current.unitsDelivered,
                            unitsAuthorised: current.unitsAuthorised))
                {
                    // Over the total through the correction alone: raised as a report over it would be.
                    row?.overDeliveries.append(OverDeliveryLink(reportEventId: event.eventUUID, alertId: alertId))
                }
            case .deliveryReversed:
                let reversedReport = row?.overDeliveries.first { $0.reportEventId == changes.replacedReport }
                try alerts.resolve(reversedReport?.alertId)
                row?.overDeliveries.removeAll { $0.reportEventId == changes.replacedReport }
            default:
                break
            }
            try recheck(&row, authorisation, alerts)
        }
    }

    /// After the authorisation's units, days or deliveries changed: resolves the over-delivery alerts once the
    /// delivered units are within the total, and the ended-provider alerts once it no longer runs on a day the
    /// provider may not serve.
    private func recheck(_ row: inout AlertAuthorisation?, _ id: AuthorisationID, _ alerts: AlertBook)
        throws(ProjectionError)
    {
        guard let current = row else { return }
        if !current.isOverDelivered {
            for link in current.overDeliveries { try alerts.resolve(link.alertId) }
            row?.overDeliveries = []
        }
        for link in current.providerStops {
            let stillOpen = current.runs.flatMap { runs in
                ComplianceAlert.openAuthorisationOfEndedProvider(
                    link.stop, provider: current.providerId, from: link.from, through: link.through,
                    authorisation: id, runs: runs)
            }
            if stillOpen == nil {
                try alerts.resolve(link.alertId)
                row?.providerStops.removeAll { $0.alertId == link.alertId }
            }
        }
    }

    /// Changes the resident's authorisations outside a plan, then checks L14 under the event's rule set: raises
    /// the alert when the condition starts, resolves it when it clears.
    private func coordination(
        of person: PersonRef, _ alerts: AlertBook, _ rows: RowBatch, _ body: (inout [ServiceAuthorised]) -> Void
    ) throws(ProjectionError) {
        let rules = try alerts.rules()
        try rows.table("coordination", of: AlertCoordination.self).update(.uuid(person.uuid)) {
            (stored: inout AlertCoordination?) throws(ProjectionError) in
            var facts = stored ?? AlertCoordination()
            let before = facts.authorisations
            body(&facts.authorisations)
            guard facts.authorisations != before else { return }
            if let rules {
                let alert = ComplianceAlert.coordinationWithoutPlan(
                    person: person, authorisations: facts.authorisations,
                    thresholdMonths: Int(rules.coordinationThresholdMonths))
                if alert == nil {
                    try alerts.resolve(facts.openAlert)
                    facts.openAlert = nil
                } else if facts.openAlert == nil {
                    facts.openAlert = try alerts.raise(alert)
                }
            }
            stored = facts.authorisations.isEmpty && facts.openAlert == nil ? nil : facts
        }
    }
}
