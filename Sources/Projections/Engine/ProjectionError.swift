/// Why a projection could not be built or read. Messages name positions and projections, never personal data.
public enum ProjectionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A record's clear part does not decode as its type says.
    case undecodable(position: UInt64, String)
    /// A projection refused an event (a bug, or a ledger its version does not understand).
    case applyFailed(projection: String, position: UInt64, String)
    /// A row in the projections environment does not decode.
    case corruptRow(table: String, String)
    case storage(String)
    case unknownProjection(String)
    /// A `--key` (or API path key) that is not what the view's key is.
    case invalidKey(String)
    /// The projection has stopped at an event and serves its rows up to there only.
    case failed(projection: String, position: UInt64, String)
    case cancelled
    /// Its rows were written by another code version: only a rebuild may replace them.
    case outdated(projection: String, built: UInt32, code: UInt32)
    /// A publication whose cutoff is older than the latest published revision's: revisions only move forward.
    case cutoffBeforePublished(asked: UInt64, published: UInt64)
    /// A line of the published M&E values (`published/metrics.jsonl`) does not decode.
    case corruptPublication(line: Int, String)

    public var description: String {
        switch self {
        case .undecodable(let position, let why): "the record at \(position) does not decode: \(why)"
        case .applyFailed(let projection, let position, let why): "\(projection) failed at \(position): \(why)"
        case .corruptRow(let table, let why): "a row of \(table) does not decode: \(why)"
        case .storage(let why): "projections storage: \(why)"
        case .unknownProjection(let name): "no projection or view is named \(name)"
        case .invalidKey(let why): "invalid key: \(why)"
        case .failed(let projection, let position, let why): "\(projection) stopped at \(position): \(why)"
        case .cancelled: "cancelled"
        case .outdated(let projection, let built, let code):
            "\(projection) was built by version \(built), this release is version \(code): run cus projections rebuild"
        case .cutoffBeforePublished(let asked, let published):
            "the cutoff size \(asked) is before the latest published revision's \(published); publish at or after it"
        case .corruptPublication(let line, let why): "line \(line) of the published M&E values does not decode: \(why)"
        }
    }
}
