public import Domain

/// How ProviderWorkload reads: one row per provider × service × month with anything authorised, delivered,
/// missed or over-delivered, in key order (provider, service, month). The engagement terms are joined for the
/// month: `capacity` and `places` sum the engagements running in it (each at the capacity in force on its first
/// day there), `mode` is the latest of them, `contractEnd` the last day of the longest (null while one is
/// open-ended); with none running, capacity is null and mode and end come from every engagement of the service.
/// `utilisation` = delivered ÷ capacity, `fulfilment` = delivered ÷ authorised, `activePersons` = persons with
/// an effective delivery in the month. `waitingPersons` counts the persons waiting for the service in the
/// programmes the provider is engaged under, on the month's last day or `today` if earlier (the waiting list is
/// the programme service's, the same on each provider's row). `avgDaysToFirstDelivery` averages, over
/// authorisations whose first effective delivery fell in the month, the days from the authorisation decision.
public enum ProviderWorkloadView {
    public static let columns = [
        "providerId", "serviceId", "month", "mode", "contractEnd", "capacity", "places", "unitsAuthorised",
        "unitsDelivered", "unitsMissed", "utilisation", "fulfilment", "activePersons", "waitingPersons",
        "avgDaysToFirstDelivery", "overDeliveryCount",
    ]

    /// What `--key` selects: one provider's rows, or one provider service's.
    public enum Key: Sendable, Hashable {
        case provider(ProviderID)
        case service(ProviderID, String)

        var prefix: RowKey {
            switch self {
            case .provider(let providerId): RowKey.uuid(providerId.uuid)
            case .service(let providerId, let serviceId): WorkloadService.key(providerId, serviceId)
            }
        }
    }

    /// Parses `--key`: a providerId, or `providerId/serviceId`.
    public static func key(_ text: String) -> Key? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let providerId = ProviderID(parts[0]) else { return nil }
        guard parts.count == 2 else { return .provider(providerId) }
        return parts[1].isEmpty ? nil : .service(providerId, parts[1])
    }

    public static func rows(_ reader: RowReader, key: Key?, context: ViewContext) throws(ProjectionError)
        -> [ViewRow]
    {
        var joined = Joined(reader: reader)
        var rows: [ViewRow] = []
        for (_, month) in try reader.rows("months", prefix: key?.prefix ?? RowKey(), as: WorkloadMonthRow.self) {
            rows.append(try row(month, joined: &joined, today: context.today))
        }
        return rows
    }

    static func row(_ month: WorkloadMonthRow, joined: inout Joined, today: LocalDate) throws(ProjectionError)
        -> ViewRow
    {
        let engagements = try joined.service(month.providerId, month.serviceId).engagements
        let span = MonthSpan(month.month)
        let running = span.map { span in engagements.filter { $0.runs(in: span) } } ?? []
        let shown = running.isEmpty ? engagements : running
        let latest = shown.max { ($0.validFrom, $0.engagementId) < ($1.validFrom, $1.engagementId) }
        let capacities = span.map { span in running.map { $0.capacity(in: span) } } ?? []
        let capacity = capacities.isEmpty ? nil : capacities.reduce(0) { $0 + $1.unitsPerMonth }
        let places = capacities.compactMap(\.places)
        let lastDays = shown.map(\.lastDay)
        let contractEnd = lastDays.contains(nil) ? nil : lastDays.compactMap { $0 }.max()
        let programmes = Set(engagements.map(\.programmeId)).sorted()
        let waitingOn = span.map { min($0.lastDay, today) } ?? today
        var waiting: Set<PersonRef> = []
        for programmeId in programmes {
            let spells = try joined.waiting(programmeId, month.serviceId)
            waiting.formUnion(spells.filter { $0.waits(on: waitingOn) }.map(\.personRef))
        }
        return ViewRow([
            ("providerId", .id(month.providerId)), ("serviceId", .string(month.serviceId)),
            ("month", .string(month.month)), ("mode", .text(latest?.mode.rawValue)),
            ("contractEnd", .date(contractEnd)), ("capacity", .uint(capacity)),
            ("places", places.isEmpty ? .null : .uint(places.reduce(0, +))),
            ("unitsAuthorised", .uint(month.unitsAuthorised)), ("unitsDelivered", .uint(month.unitsDelivered)),
            ("unitsMissed", .uint(month.unitsMissed)), ("utilisation", .ratio(month.unitsDelivered, capacity ?? 0)),
            ("fulfilment", .ratio(month.unitsDelivered, month.unitsAuthorised)),
            ("activePersons", .int(Int64(month.persons.count))),
            ("waitingPersons", programmes.isEmpty ? .null : .int(Int64(waiting.count))),
            ("avgDaysToFirstDelivery", .ratio(month.firstDeliveryDays, month.firstDeliveries)),
            ("overDeliveryCount", .uint(month.overDeliveryCount)),
        ])
    }

    /// The engagement terms and waiting spells of the rows read so far, each read once.
    struct Joined {
        let reader: RowReader
        var services: [RowKey: WorkloadService] = [:]
        var spells: [RowKey: [WaitingSpell]] = [:]

        mutating func service(_ providerId: ProviderID, _ serviceId: String) throws(ProjectionError)
            -> WorkloadService
        {
            let key = WorkloadService.key(providerId, serviceId)
            if let known = services[key] { return known }
            let service = try reader.get("services", key, as: WorkloadService.self) ?? WorkloadService()
            services[key] = service
            return service
        }

        mutating func waiting(_ programmeId: ProgrammeID, _ serviceId: String) throws(ProjectionError)
            -> [WaitingSpell]
        {
            let key = WaitingSpell.key(programmeId, serviceId)
            if let known = spells[key] { return known }
            let read = try reader.rows("waiting", prefix: key, as: WaitingSpell.self).map(\.row)
            spells[key] = read
            return read
        }
    }
}
