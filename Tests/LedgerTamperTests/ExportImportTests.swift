import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("Export and import (ledger.md §3.4)")
struct ExportImportTests {
    private func exportFixture() async throws -> (TamperFixture, String, [String]) {
        let fixture = try await TamperFixture.make(events: 300, checkpointEvery: 100)
        let exportPath = fixture.directory.path + "/export.jsonl"
        let ledger = try Ledger(Ledger.Options(dataDirectory: fixture.data, readOnly: true))
        defer { ledger.close() }
        let summary = try LedgerExporter(ledger: ledger).export(to: exportPath)
        #expect(try summary.size == 300 && summary.root == ledger.merkleRoot())
        #expect(summary.checkpoint?.checkpoint.size == 300)
        let lines = try String(contentsOfFile: exportPath, encoding: .utf8).split(separator: "\n").map(String.init)
        return (fixture, exportPath, lines)
    }

    @Test("An export of a ledger whose treeSize claims more events than it holds fails and leaves no file")
    func exportOfOverstatedLedger() async throws {
        let fixture = try await TamperFixture.make(events: 300, checkpointEvery: 100)
        defer { fixture.remove() }
        try fixture.putMeta("treeSize", positionKey(1 << 60))
        let exportPath = fixture.directory.path + "/export.jsonl"
        let ledger = try Ledger(Ledger.Options(dataDirectory: fixture.data, readOnly: true))
        defer { ledger.close() }
        let error = #expect(throws: LedgerError.self) { try LedgerExporter(ledger: ledger).export(to: exportPath) }
        #expect(error?.code == .corrupted && error?.message.contains("records end at 300") == true)
        #expect(!FileManager.default.fileExists(atPath: exportPath))
    }

    @Test("Export then import gives identical positions, records and root")
    func roundTrip() async throws {
        let (fixture, exportPath, _) = try await exportFixture()
        defer { fixture.remove() }
        let source = try Ledger(Ledger.Options(dataDirectory: fixture.data, readOnly: true))
        let verifier = try NoteVerifier(verifierKey: try #require(try source.recordedVerifierKey()))
        let sourceRoot = try source.merkleRoot()
        let sourceEvents = try source.readAll(from: .zero, limit: 300)
        source.close()
        let target = try Ledger(Ledger.Options(dataDirectory: fixture.directory.path + "/copy"))
        defer { target.close() }
        let summary = try await LedgerImporter(path: exportPath, verifiers: [verifier]).run(into: target)
        #expect(try summary.root == sourceRoot && target.merkleRoot() == sourceRoot)
        #expect(try target.readAll(from: .zero, limit: 300) == sourceEvents)
        #expect(try LedgerVerifier(ledger: target).verify().ok)
    }

    @Test("Every kind of bad line is refused with its line number and nothing is written", arguments: BadLine.allCases)
    func badLines(kind: BadLine) async throws {
        let (fixture, exportPath, lines) = try await exportFixture()
        defer { fixture.remove() }
        let (mutated, badLine) = try kind.apply(to: lines)
        try (mutated.joined(separator: "\n") + "\n").write(toFile: exportPath, atomically: true, encoding: .utf8)
        let target = try Ledger(Ledger.Options(dataDirectory: fixture.directory.path + "/copy"))
        defer { target.close() }
        let error = try await EventStoreConformance.expectError(.invalidArgument) {
            try await LedgerImporter(path: exportPath).run(into: target)
        }
        #expect(error?.message.contains("line \(badLine):") == true, "\(error?.message ?? "")")
        #expect(try target.treeSize() == 0)
    }

    @Test("A checkpoint beside the file signed by another key is refused")
    func foreignCheckpointBesideExport() async throws {
        let (fixture, exportPath, _) = try await exportFixture()
        defer { fixture.remove() }
        let stranger = try NoteVerifier(
            verifierKey: try NoteSigner.generate(name: "cusledger.local/ledger/v1").verifierKey)
        #expect(throws: LedgerError.self) { try LedgerImporter(path: exportPath, verifiers: [stranger]).validate() }
    }

    enum BadLine: String, CaseIterable, CustomStringConvertible {
        case recordByte, dropped, swapped, fieldDisagrees, leafHash, notJSON, appendedGarbage
        var description: String { rawValue }

        /// The mutated lines and the 1-based number of the first bad line.
        func apply(to lines: [String]) throws -> ([String], Int) {
            var lines = lines
            switch self {
            case .recordByte:
                var object = try Self.object(lines[41])
                let recordText = try #require(object["record"] as? String)
                var record = try #require(Base64.decode(recordText))
                record[120] ^= 0x01
                object["record"] = Base64.encode(record)
                lines[41] = try Self.text(object)
                return (lines, 42)
            case .dropped:
                lines.remove(at: 17)
                return (lines, 18)
            case .swapped:
                lines.swapAt(60, 61)
                return (lines, 61)
            case .fieldDisagrees:
                lines[99] = lines[99].replacingOccurrences(
                    of: "\"actor\":\"system:seed\"", with: "\"actor\":\"staff:eve\"")
                return (lines, 100)
            case .leafHash:
                var object = try Self.object(lines[7])
                object["leafHash"] = String(repeating: "0", count: 64)
                lines[7] = try Self.text(object)
                return (lines, 8)
            case .notJSON:
                lines[3] = "{not json"
                return (lines, 4)
            case .appendedGarbage:
                lines.append("{}")
                return (lines, 301)
            }
        }

        private static func object(_ line: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }

        private static func text(_ object: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
    }
}
