import Commands
import Foundation
import HTTPTypes
import HummingbirdTesting
import LMDB
import Ledger
import LedgerTesting
import Projections
import Synchronization
import Testing

@testable import HTTPAPI

/// Issue 13 "Resource exhaustion" where the logic lives: the problems the server answers when a resource runs out.
/// End to end against `cus serve` (disk full on a tmpfs, huge bodies, slow clients, connections):
/// `Tools/exhaustion-check`.
@Suite("Resource exhaustion")
struct ExhaustionTests {
    @Test("Every ledger reader slot taken: reads and commands are 503 readers-full, and answer again once freed")
    func readersFull() async throws {
        let fixture = try await APIFixture(generate: false, ledgerMaxReaders: 8)
        let auditor = try fixture.token(.auditor)
        let clerk = try fixture.token(.intakeClerk)
        let environment = fixture.server.services.ledger.environment
        // LMDB rounds the reader table up to fill its page: take every slot it really has.
        let slots = try environment.info().maxReaders
        let holders = ReaderSlotHolders(environment: environment, count: slots)
        try await fixture.test { client in
            #expect(holders.holding == slots, "\(holders.holding) of \(slots) slots held")
            let read = try await client.send(.get, "/v1/audit/verifier-key", token: auditor)
            #expect(read.status == .serviceUnavailable, "\(read.text)")
            #expect(try read.problemCode() == "readers-full")
            #expect(read.headers[.retryAfter] == "1")
            let command = try await client.send(
                .post, "/v1/persons", token: clerk, json: CommandTests.registration(UUID().uuidString.lowercased()),
                headers: [CommandTests.key()])
            #expect(command.status == .serviceUnavailable, "\(command.text)")
            #expect(try command.problemCode() == "readers-full")
            #expect(try await client.send(.get, "/health", token: nil).status == .ok)
            holders.release()
            let again = try await client.send(.get, "/v1/audit/verifier-key", token: auditor)
            #expect(again.status == .ok, "\(again.text)")
            let registered = try await client.send(
                .post, "/v1/persons", token: clerk, json: CommandTests.registration(UUID().uuidString.lowercased()),
                headers: [CommandTests.key()])
            #expect(registered.status == .created, "\(registered.text)")
            let position = try #require(try registered.object()["lastPosition"] as? Int)
            let projected = try await client.send(
                .get, "/v1/views/ApplicationQueue?limit=1&minPosition=\(position)", token: auditor)
            let checkpoint = try #require(try projected.object()["checkpoint"] as? Int, "\(projected.text)")
            #expect(checkpoint > position, "the live projections retried after the shortage and caught up")
        }
    }

    @Test("Reports as of a cutoff past --cutoff-builds-max are 429; live and already answered cutoffs still answer")
    func cutoffBuildsBounded() async throws {
        let fixture = try await APIFixture(limits: APILimits(cutoffBuildsMax: 1))
        let director = try fixture.token(.director)
        let path = try QueryTests.indicatorsPath(fixture)
        let size = try fixture.server.services.ledger.treeSize()
        let slots = fixture.server.cutoffBuilds
        try await fixture.test { client in
            let answered = try await client.send(.get, path + "&asOfSize=\(size / 2)", token: director)
            #expect(answered.status == .ok, "\(answered.text)")
            #expect(slots.count == 0, "the build's slot is given back")
            // A build in progress holds the only slot (a thread inside `run`, parked until released).
            let release = DispatchSemaphore(value: 0)
            let entered = DispatchSemaphore(value: 0)
            let holder = Thread {
                _ = try? slots.run {
                    entered.signal()
                    release.wait()
                }
            }
            holder.start()
            entered.wait()
            let refused = try await client.send(.get, path + "&asOfSize=\(size / 3)", token: director)
            #expect(refused.status == .tooManyRequests, "\(refused.text)")
            #expect(try refused.problemCode() == "too-many-requests")
            #expect(refused.headers[.retryAfter] == "5")
            let cached = try await client.send(.get, path + "&asOfSize=\(size / 2)", token: director)
            #expect(cached.text == answered.text, "a cutoff already answered needs no build")
            #expect(try await client.send(.get, path, token: director).status == .ok, "live needs no build")
            release.signal()
            while slots.count > 0 { try await Task.sleep(for: .milliseconds(10)) }
            let built = try await client.send(.get, path + "&asOfSize=\(size / 3)", token: director)
            #expect(built.status == .ok, "\(built.text)")
        }
    }

    @Test("Every reader slot of the projections env taken: a view is 503 readers-full, not a 500")
    func projectionReadersFull() async throws {
        let fixture = try await APIFixture()
        let director = try fixture.token(.director)
        let environment = fixture.server.projectionsStore.environment
        let slots = try environment.info().maxReaders
        try await fixture.test { client in
            let holders = ReaderSlotHolders(environment: environment, count: slots)
            let view = try await client.send(.get, "/v1/views/PlanStatusView?limit=1", token: director)
            #expect(view.status == .serviceUnavailable, "\(view.text)")
            #expect(try view.problemCode() == "readers-full")
            holders.release()
            let again = try await client.send(.get, "/v1/views/PlanStatusView?limit=1", token: director)
            #expect(again.status == .ok, "\(again.text)")
        }
    }

    @Test("A stopped writer is 503 writer-stopped for commands; an unknown commit stays 503 outcome-unknown")
    func writerStoppedProblem() throws {
        let stopped = CommandRoutes.problem(CommandError(LedgerError(.writerStopped, "the writer stopped")))
        #expect(stopped.status == .serviceUnavailable && stopped.code == "writer-stopped")
        let unknown = CommandRoutes.problem(CommandError(LedgerError(.outcomeUnknown, "commit failed")))
        #expect(unknown.status == .serviceUnavailable && unknown.code == "outcome-unknown")
        let readers = CommandRoutes.problem(CommandError(LedgerError(.readersFull, "no slot")))
        #expect(readers.status == .serviceUnavailable && readers.code == "readers-full")
        #expect(Problem.reading(LedgerError(.storage, "io"), "x").code == "storage-unavailable")
    }
}
