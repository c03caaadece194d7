import Foundation
import Synchronization
import Testing

@testable import HTTPAPI

@Suite("Dashboard sessions")
struct DashboardSessionTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_745_000_000))
        var now: Date { current.withLock { $0 } }
        func advance(seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    }

    @Test("A session ends after its lifetime without use, each use extends it, and a closed one is gone")
    func lifetime() {
        let clock = ManualClock()
        let sessions = DashboardSessions(lifetime: .seconds(60), clock: { clock.now })
        let id = sessions.open(tokenID: "abc", language: .en)
        #expect(id.count == 64 && id.allSatisfy(\.isHexDigit))
        #expect(sessions.open(tokenID: "abc", language: .en) != id, "every login gets a new id")
        clock.advance(seconds: 50)
        #expect(sessions.use(id)?.tokenID == "abc")
        clock.advance(seconds: 50)
        #expect(sessions.use(id)?.language == .en, "the use at 50 s moved the expiry")
        sessions.setLanguage(.pl, for: id)
        #expect(sessions.use(id)?.language == .pl)
        clock.advance(seconds: 61)
        #expect(sessions.use(id) == nil)
        let other = sessions.open(tokenID: "def", language: .pl)
        sessions.close(other)
        #expect(sessions.use(other) == nil)
        #expect(sessions.use("not-a-session") == nil)
    }
}
