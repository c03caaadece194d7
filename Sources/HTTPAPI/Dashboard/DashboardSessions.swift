import Crypto
import Foundation
import Synchronization

/// The dashboard's login sessions, held in memory only: a random session id (the cookie's value) maps to the
/// token id it was opened with, never to the token itself, so neither the cookie nor this table can be replayed
/// as a bearer token. Every use re-reads the token's state, so revoking the token ends its sessions; a session
/// also ends `lifetime` after its last use, and at most `sessionsMax` live at once (the oldest is dropped).
final class DashboardSessions: Sendable {
    struct Session: Sendable {
        var tokenID: String
        var language: DashboardLanguage
        var expiresAt: Date
    }

    static let cookieName = "cus_session"
    static let sessionsMax = 10_000
    let lifetime: Duration
    private let clock: @Sendable () -> Date
    private let sessions = Mutex<[String: Session]>([:])

    init(lifetime: Duration = .seconds(8 * 3600), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.lifetime = lifetime
        self.clock = clock
    }

    var lifetimeSeconds: Int { Int(lifetime.components.seconds) }

    /// Opens a session for an authenticated token and returns its id (256 random bits, hex).
    func open(tokenID: String, language: DashboardLanguage) -> String {
        let id = SymmetricKey(size: .bits256).withUnsafeBytes { bytes in
            bytes.map { String(format: "%02x", $0) }.joined()
        }
        let now = clock()
        sessions.withLock { sessions in
            sessions = sessions.filter { $0.value.expiresAt > now }
            if sessions.count >= Self.sessionsMax,
                let oldest = sessions.min(by: { $0.value.expiresAt < $1.value.expiresAt })
            {
                sessions[oldest.key] = nil
            }
            sessions[id] = Session(
                tokenID: tokenID, language: language, expiresAt: now.addingTimeInterval(Double(lifetimeSeconds)))
        }
        return id
    }

    /// The live session `id`, its expiry pushed back; nil when unknown or expired (an expired one is removed).
    func use(_ id: String) -> Session? {
        let now = clock()
        return sessions.withLock { sessions in
            guard var session = sessions[id] else { return nil }
            guard session.expiresAt > now else {
                sessions[id] = nil
                return nil
            }
            session.expiresAt = now.addingTimeInterval(Double(lifetimeSeconds))
            sessions[id] = session
            return session
        }
    }

    func setLanguage(_ language: DashboardLanguage, for id: String) {
        sessions.withLock { $0[id]?.language = language }
    }

    func close(_ id: String) {
        _ = sessions.withLock { $0.removeValue(forKey: id) }
    }
}
