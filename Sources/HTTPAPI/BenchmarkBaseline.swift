import Hummingbird
import Logging

/// The load benchmark's yardstick (`Tools/load-bench`, docs/benchmarks.md): a second, bare Hummingbird listener in
/// the same process answering `GET /constant` with a constant body, with no middleware, auth or storage, so the
/// API's throughput can be given as a ratio to Hummingbird's own. Only started by the hidden
/// `cus serve --benchmark-baseline-port`; never part of the API.
func benchmarkBaselineApplication(host: String, port: Int, logger: Logger) -> some ApplicationProtocol {
    let router = Router()
    router.get("/constant") { _, _ in "ok\n" }
    return Application(
        router: router, configuration: .init(address: .hostname(host, port: port), serverName: "cusledger-baseline"),
        logger: logger)
}
