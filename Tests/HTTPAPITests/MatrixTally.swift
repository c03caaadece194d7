import Foundation
import HTTPAPI

/// What the authorisation matrix saw, per role: calls answered (allowed), refused by role (403), hidden by scope
/// (404 as for a missing subject), public; leaks are refusals that were not clean (another status or body, a
/// write, another subject's data in the answer) and wrong refusals allowed calls that were refused.
struct MatrixTally {
    enum Verdict: String, CaseIterable {
        case allowed, denied, hidden, `public`
    }

    struct Counts {
        var byVerdict: [Verdict: Int] = [:]
        var leaks = 0
        var wrongRefusals = 0
    }

    private(set) var counts: [String: Counts] = [:]
    private(set) var failures: [String] = []

    mutating func record(_ who: String, _ verdict: Verdict, leak: String? = nil, wrongRefusal: String? = nil) {
        counts[who, default: Counts()].byVerdict[verdict, default: 0] += 1
        if let leak {
            counts[who, default: Counts()].leaks += 1
            failures.append("leak: \(who) \(leak)")
        }
        if let wrongRefusal {
            counts[who, default: Counts()].wrongRefusals += 1
            failures.append("refused: \(who) \(wrongRefusal)")
        }
    }

    var leaks: Int { counts.values.map(\.leaks).reduce(0, +) }
    var calls: Int { counts.values.flatMap(\.byVerdict.values).reduce(0, +) }

    /// One line per caller (roles, then the token-less callers) and a total.
    func summary(title: String) -> String {
        let callers = APIRole.allCases.map(\.rawValue) + counts.keys.filter { APIRole(rawValue: $0) == nil }.sorted()
        let header =
            ["caller".padding(toLength: 24, withPad: " ", startingAt: 0)]
            + Verdict.allCases.map { $0.rawValue.leftPadded(8) } + ["leaks".leftPadded(7), "refused".leftPadded(8)]
        var lines = [title, header.joined()]
        var total = Counts()
        for caller in callers {
            guard let count = counts[caller] else { continue }
            lines.append(Self.line(caller, count))
            for verdict in Verdict.allCases { total.byVerdict[verdict, default: 0] += count.byVerdict[verdict] ?? 0 }
            total.leaks += count.leaks
            total.wrongRefusals += count.wrongRefusals
        }
        lines.append(Self.line("total", total))
        return lines.joined(separator: "\n")
    }

    private static func line(_ caller: String, _ count: Counts) -> String {
        ([caller.padding(toLength: 24, withPad: " ", startingAt: 0)]
            + Verdict.allCases.map { String(count.byVerdict[$0] ?? 0).leftPadded(8) }
            + [String(count.leaks).leftPadded(7), String(count.wrongRefusals).leftPadded(8)]).joined()
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
