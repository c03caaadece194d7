public import Domain
import Foundation

/// How ApplicationQueue reads: entries in filing order per programme service with their position, the days
/// waited (to the decision, or to `today` while undecided), and the service's header.
public enum ApplicationQueueView {
    public static let columns = [
        "programmeId", "serviceId", "position", "applicationId", "personRef", "filedAt", "daysWaiting", "groupFlags",
        "status", "maxPersons", "currentPersons", "maxUnits", "unitsAuthorised",
    ]

    /// `programme` limits the rows to one programme.
    public static func rows(_ reader: RowReader, programme: ProgrammeID?, context: ViewContext)
        throws(ProjectionError) -> [ViewRow]
    {
        let prefix = programme.map { RowKey.uuid($0.uuid) } ?? RowKey()
        let headers = try reader.rows("services", prefix: prefix, as: QueueHeader.self)
        var rows: [ViewRow] = []
        for (serviceKey, header) in headers {
            let (programmeId, serviceId) = try decode(serviceKey)
            let entries = try reader.rows("entries", prefix: serviceKey, as: QueueEntry.self)
            for (index, entry) in entries.map(\.row).enumerated() {
                let waitedUntil = entry.decidedOn ?? context.today
                rows.append(
                    ViewRow([
                        ("programmeId", .id(programmeId)), ("serviceId", .string(serviceId)),
                        ("position", .int(Int64(index + 1))), ("applicationId", .id(entry.applicationId)),
                        ("personRef", .id(entry.personRef)), ("filedAt", .date(entry.filedAt)),
                        ("daysWaiting", .int(max(0, entry.filedAt.days(to: waitedUntil)))),
                        // Target-group flags are personal (🔒): they come with the person dimension.
                        ("groupFlags", .null), ("status", .string(entry.status.rawValue)),
                        ("maxPersons", .uint(header.maxPersons)), ("currentPersons", .uint(header.currentPersons)),
                        ("maxUnits", .uint(header.maxUnits)), ("unitsAuthorised", .uint(header.unitsAuthorised)),
                    ]))
            }
        }
        return rows
    }

    /// A service key: programme UUID, then the length-prefixed service id.
    public static func decode(_ key: RowKey) throws(ProjectionError) -> (ProgrammeID, String) {
        let bytes = key.bytes
        guard bytes.count >= 17, bytes.count == 17 + Int(bytes[16]) else {
            throw ProjectionError.corruptRow(table: "services", "a key of \(bytes.count) bytes")
        }
        let uuid = bytes[0..<16].withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
        return (ProgrammeID(uuid: UUID(uuid: uuid)), String(decoding: bytes[17...], as: UTF8.self))
    }
}
