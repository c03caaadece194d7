/// Every bound of the HTTP API in one place (TigerStyle: everything has a limit), documented in README's server
/// section and each tested: a request over one is refused with a problem, never served partly.
public struct APILimits: Sendable, Hashable {
    /// The largest request body read; a larger one is 413 `limit-exceeded` before anything is decoded.
    public var bodyBytesMax: Int
    /// Rows per page when `limit` is not given.
    public var pageRowsDefault: Int
    /// The largest `limit` accepted; more is 413 `limit-exceeded`.
    public var pageRowsMax: Int
    /// How long a request may run before it is answered 503 `request-timeout`; also how long its body may take to
    /// arrive before the connection is closed (`RequestReadDeadline`).
    public var requestTimeout: Duration
    /// How long `?minPosition=N` waits for the projections before 503 `not-yet-projected`.
    public var minPositionWait: Duration
    /// Commands being decided or appended at once; one more is 429 `too-many-requests` (the write queue).
    public var commandsInFlightMax: Int
    /// How long a connection may stay open without sending a complete request head (an idle keep-alive
    /// connection, or a slow client trickling its headers); then the server closes it.
    public var idleTimeout: Duration
    /// Connections open at once; further ones wait in the listen backlog until one closes (nothing is read from
    /// them, so they cost no memory of the server).
    public var connectionsMax: Int
    /// How old a live M&E report may be and still answer a request without `minPosition` after it: within it the
    /// newest cached report of the same programme and period answers (naming the checkpoint and root it reflects)
    /// instead of recomputing after every event. Up to twice as old it still answers while the first request to
    /// find it so refreshes it in the background; older, the request computes at the live checkpoint. Zero
    /// computes at the live checkpoint each time it moves.
    public var indicatorStaleness: Duration
    /// M&E reports built as of a cutoff at once: each builds MetricsFacts from position 0 beside the live views,
    /// so one more is 429 `too-many-requests` instead of another build (a cutoff already computed answers from
    /// the report cache without one).
    public var cutoffBuildsMax: Int

    public init(
        bodyBytesMax: Int = 64 * 1024, pageRowsDefault: Int = 100, pageRowsMax: Int = 1_000,
        requestTimeout: Duration = .seconds(30), minPositionWait: Duration = .seconds(5),
        commandsInFlightMax: Int = 256, idleTimeout: Duration = .seconds(30), connectionsMax: Int = 1_000,
        indicatorStaleness: Duration = .seconds(1), cutoffBuildsMax: Int = 1
    ) {
        self.bodyBytesMax = bodyBytesMax
        self.pageRowsDefault = pageRowsDefault
        self.pageRowsMax = pageRowsMax
        self.requestTimeout = requestTimeout
        self.minPositionWait = minPositionWait
        self.commandsInFlightMax = commandsInFlightMax
        self.idleTimeout = idleTimeout
        self.connectionsMax = connectionsMax
        self.indicatorStaleness = indicatorStaleness
        self.cutoffBuildsMax = cutoffBuildsMax
    }

    public static let defaults = APILimits()
}
