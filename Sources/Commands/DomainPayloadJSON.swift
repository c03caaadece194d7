import Domain
import Foundation
public import Ledger

/// The export's `payload` for domain events (ledger.md §3.4): the clear part as JSON per
/// `Schemas/events/<Type>.v<N>.schema.json`, keys sorted; nil for types the catalogue does not know (they are
/// exported as `payloadBase64`). Personal fields are never in it.
public enum DomainPayloadJSON {
    public static let renderer: ExportLine.PayloadRenderer = { event in
        guard
            let decoded = try? EventCodec.decode(
                eventType: event.type.description, schemaVersion: event.schemaVersion, clear: Array(event.payload))
        else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? EventCodec.clearJSON(decoded.event, context: decoded.context, encoder: encoder) else {
            return nil
        }
        return String(decoding: data, as: UTF8.self)
    }
}
