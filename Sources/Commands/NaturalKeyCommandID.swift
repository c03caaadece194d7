import Crypto
public import Domain
public import Ledger

/// Command ids derived from what a command is about rather than drawn at random (ledger.md G4, rows 2 and 3): a
/// provider's delivery, a payment with a bank reference, a scheduled duty's period. The same fact always maps to the
/// same command id, hence the same event ids, so a repeated report is a no-op at the ledger.
///
/// Layout (RFC 9562 version 8): the 48-bit prefix is the business date's (or period start's) midnight UTC in
/// milliseconds, so index inserts stay near the B-tree's right edge as with UUIDv7; the other bits come from
/// SHA-256("cusledger/command/v1" ‖ kind ‖ party ‖ key), each part preceded by its UTF-8 length (u32 big-endian) so
/// no two different tuples hash the same text.
public enum NaturalKeyCommandID {
    /// A provider's delivery report, keyed by the provider's own `deliveryId`.
    public static func delivery(providerID: ProviderID, deliveryID: String, businessDate: LocalDate) -> UUID128 {
        derive(kind: "delivery", party: providerID.description, key: deliveryID, prefixDate: businessDate)
    }

    /// A payment into a fee account (the payer's `personRef` and the programme), keyed by its bank reference.
    public static func payment(
        payer: PersonRef, programmeID: ProgrammeID, reference: String, businessDate: LocalDate
    ) -> UUID128 {
        derive(
            kind: "payment", party: "\(payer)/\(programmeID)", key: reference, prefixDate: businessDate)
    }

    /// A scheduled duty's run for one subject and period (waitlist promotion, monthly charge, retention erasure).
    public static func duty(policy: String, subject: String, period: ClosedRange<LocalDate>) -> UUID128 {
        derive(
            kind: "duty", party: policy, key: "\(subject)/\(period.lowerBound)/\(period.upperBound)",
            prefixDate: period.lowerBound)
    }

    static func derive(kind: String, party: String, key: String, prefixDate: LocalDate) -> UUID128 {
        var hasher = SHA256()
        for part in ["cusledger/command/v1", kind, party, key] {
            let bytes = Array(part.utf8)
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: bytes.count).bigEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(data: bytes)
        }
        let digest = Array(hasher.finalize())
        let hashed = digest.withUnsafeBytes { UUID128(bytes: $0) }
        let milliseconds = UInt64(truncatingIfNeeded: prefixDate.daysSinceEpoch &* 86_400_000) & 0xFFFF_FFFF_FFFF
        let high = milliseconds << 16 | 0x8000 | (hashed.high & 0x0FFF)
        let low = hashed.low & ~(0b11 << 62) | (0b10 << 62)
        return UUID128(high: high, low: low)
    }
}
