public import Foundation

/// The bridge to Foundation's `UUID`, which domain values use; the ledger itself keeps `UUID128`.
extension UUID128 {
    public init(_ uuid: UUID) {
        self = withUnsafeBytes(of: uuid.uuid) { UUID128(bytes: $0) }
    }

    public var foundationUUID: UUID {
        var value: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &value) { write(to: $0, at: 0) }
        return UUID(uuid: value)
    }
}
