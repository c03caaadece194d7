import Foundation
import Ledger
import LedgerTesting
import Testing

@Suite("Auditor toolkit in the ledger: proof documents, offline export verification, witnesses (issue #11)")
struct AuditToolTests {
    private func exported(events: UInt64 = 300) async throws -> (TamperFixture, String, [SignedCheckpoint]) {
        let fixture = try await TamperFixture.make(events: events, checkpointEvery: 100)
        let exportPath = fixture.directory.path + "/export.jsonl"
        let ledger = try Ledger(Ledger.Options(dataDirectory: fixture.data, readOnly: true))
        defer { ledger.close() }
        _ = try LedgerExporter(ledger: ledger).export(to: exportPath)
        return (fixture, exportPath, try ledger.checkpoints())
    }

    /// A closed 300-event ledger with checkpoints at 100, 200 and 300, reopened read-only.
    private func seeded() async throws -> (TamperFixture, Ledger, NoteVerifier, [SignedCheckpoint]) {
        let fixture = try await TamperFixture.make(events: 300, checkpointEvery: 100)
        let ledger = try Ledger(Ledger.Options(dataDirectory: fixture.data, readOnly: true))
        let verifier = try NoteVerifier(verifierKey: try #require(try ledger.recordedVerifierKey()))
        return (fixture, ledger, verifier, try ledger.checkpoints())
    }

    @Test("Inclusion proofs of every position verify against every checkpoint and survive their JSON form")
    func inclusionDocuments() async throws {
        let (fixture, ledger, verifier, checkpoints) = try await seeded()
        defer { fixture.remove() }
        defer { ledger.close() }
        #expect(checkpoints.map(\.checkpoint.size) == [100, 200, 300])
        for signed in checkpoints {
            for position in stride(from: UInt64(0), to: signed.checkpoint.size, by: 7) {
                let proof = try ledger.inclusionProof(position: Position(position), treeSize: signed.checkpoint.size)
                let record = try ledger.recordBytes(at: Position(position))
                try proof.verify(leafHash: RFC6962.leafHash(of: record), root: signed.checkpoint.root)
                let document = InclusionProofDocument(
                    proof: proof, record: record, root: signed.checkpoint.root, checkpoint: signed)
                let decoded = try InclusionProofDocument(json: Array(document.json.utf8))
                #expect(decoded == document)
                #expect(try decoded.verify(verifier: verifier).position == Position(position))
            }
        }
        let signed = checkpoints[0]
        let proof = try ledger.inclusionProof(position: Position(5), treeSize: 100)
        var document = InclusionProofDocument(
            proof: proof, record: try ledger.recordBytes(at: Position(5)), root: signed.checkpoint.root,
            checkpoint: signed)
        document.proof.hashes[1] = RFC6962.leafHash(of: [1, 2, 3])
        #expect(throws: ProofDocumentError.self) { try document.verify(verifier: verifier) }
        document = InclusionProofDocument(
            proof: proof, record: try ledger.recordBytes(at: Position(6)), root: signed.checkpoint.root,
            checkpoint: signed)
        #expect(throws: ProofDocumentError.self) { try document.verify(verifier: verifier) }
        let stranger = try NoteVerifier(
            verifierKey: try NoteSigner.generate(name: signed.checkpoint.origin).verifierKey)
        document = InclusionProofDocument(
            proof: proof, record: try ledger.recordBytes(at: Position(5)), root: signed.checkpoint.root,
            checkpoint: signed)
        #expect(throws: Never.self) { try document.verify(verifier: verifier) }
        #expect(throws: ProofDocumentError.self) { try document.verify(verifier: stranger) }
        #expect(throws: LedgerError.self) { try ledger.inclusionProof(position: Position(300), treeSize: 300) }
        #expect(throws: LedgerError.self) { try ledger.inclusionProof(position: Position(3), treeSize: 301) }
    }

    @Test("Consistency proofs between stored checkpoints verify; swapped roots and sizes do not")
    func consistencyDocuments() async throws {
        let (fixture, ledger, verifier, checkpoints) = try await seeded()
        defer { fixture.remove() }
        defer { ledger.close() }
        for old in checkpoints {
            for new in checkpoints where new.checkpoint.size >= old.checkpoint.size {
                let proof = try ledger.consistencyProof(oldSize: old.checkpoint.size, newSize: new.checkpoint.size)
                let document = ConsistencyProofDocument(
                    proof: proof, oldRoot: old.checkpoint.root, newRoot: new.checkpoint.root, oldCheckpoint: old,
                    newCheckpoint: new)
                let decoded = try ConsistencyProofDocument(json: Array(document.json.utf8))
                #expect(decoded == document)
                try decoded.verify(verifier: verifier)
                try CheckpointSuccession.check(old: old.checkpoint, new: new.checkpoint, proof: proof)
            }
        }
        let proof = try ledger.consistencyProof(oldSize: 100, newSize: 300)
        let swapped = ConsistencyProofDocument(
            proof: proof, oldRoot: checkpoints[1].checkpoint.root, newRoot: checkpoints[2].checkpoint.root,
            oldCheckpoint: nil, newCheckpoint: nil)
        #expect(throws: ProofDocumentError.self) { try swapped.verify(verifier: nil) }
        #expect(throws: LedgerError.self) { try ledger.consistencyProof(oldSize: 200, newSize: 100) }
        #expect(throws: ProofDocumentError.self) { try ConsistencyProofDocument(json: Array("{}".utf8)) }
    }

    @Test("The trust rule: rollbacks, forks, foreign origins and missing or wrong proofs are refused")
    func succession() async throws {
        let (fixture, ledger, _, signed) = try await seeded()
        defer { fixture.remove() }
        defer { ledger.close() }
        let checkpoints = signed.map(\.checkpoint)
        let proof = try ledger.consistencyProof(oldSize: 100, newSize: 300)
        try CheckpointSuccession.check(old: checkpoints[0], new: checkpoints[2], proof: proof)
        func refused(_ old: Checkpoint, _ new: Checkpoint, _ proof: ConsistencyProof?, _ words: String) {
            do {
                try CheckpointSuccession.check(old: old, new: new, proof: proof)
                Issue.record("accepted \(old.size) → \(new.size)")
            } catch {
                #expect(error.description.contains(words), "\(error)")
            }
        }
        refused(checkpoints[2], checkpoints[0], nil, "rolled-back")
        refused(checkpoints[0], checkpoints[2], nil, "consistency proof")
        refused(checkpoints[1], checkpoints[2], proof, "from 100 to 300")
        var fork = checkpoints[2]
        fork.root = checkpoints[1].root
        refused(checkpoints[2], fork, nil, "forked")
        refused(checkpoints[0], fork, proof, "does not extend")
        var foreign = checkpoints[2]
        foreign.origin = "other.example/ledger/v1"
        refused(checkpoints[0], foreign, proof, "origin")
    }

    @Test("verify-export names the line for a single-byte change in any field of a line")
    func everyByteOfALine() async throws {
        let (fixture, exportPath, checkpoints) = try await exported(events: 120)
        defer { fixture.remove() }
        var lines = try String(contentsOfFile: exportPath, encoding: .utf8).split(separator: "\n").map {
            Array($0.utf8)
        }
        let original = lines[1]
        let verifier = ExportVerifier(path: exportPath)
        #expect(try verifier.verify(against: checkpoints.map(\.checkpoint)).size == 120)
        // Each member's first key byte and first value byte, and every 24th byte between (every byte would take
        // minutes in a debug build: each run reads the file afresh).
        let colons = original.indices.filter { original[$0] == UInt8(ascii: ":") }
        let offsets = Set(colons.flatMap { [$0 + 1, $0 - 2] } + stride(from: 0, to: original.count, by: 24)).sorted()
        #expect(offsets.count > original.count / 24)
        var undetected: [Int] = []
        for offset in offsets {
            var changed = original
            changed[offset] ^= 0x01
            lines[1] = changed
            try write(lines, to: exportPath)
            do {
                _ = try verifier.verify(against: checkpoints.map(\.checkpoint))
                undetected.append(offset)
            } catch {
                #expect(error.line == 2, "offset \(offset): \(error)")
            }
        }
        #expect(undetected.isEmpty, "undetected byte changes at \(undetected)")
    }

    @Test("verify-export names the line of a dropped line, swapped lines and a line disagreeing with its record")
    func structuralTampering() async throws {
        let (fixture, exportPath, checkpoints) = try await exported()
        defer { fixture.remove() }
        let lines = try String(contentsOfFile: exportPath, encoding: .utf8).split(separator: "\n").map {
            Array($0.utf8)
        }
        let verifier = ExportVerifier(path: exportPath)
        func expectLine(_ mutated: [[UInt8]], _ line: Int?, _ words: String) throws {
            try write(mutated, to: exportPath)
            do {
                _ = try verifier.verify(against: checkpoints.map(\.checkpoint))
                Issue.record("accepted; expected line \(line.map(String.init) ?? "none")")
            } catch {
                #expect(error.line == line && error.reason.contains(words), "\(error)")
            }
        }
        var dropped = lines
        dropped.remove(at: 150)
        try expectLine(dropped, 151, "\"position\" is not 150")
        var swapped = lines
        swapped.swapAt(60, 61)
        try expectLine(swapped, 61, "\"position\" is not 60")
        var disagreeing = lines
        disagreeing[200] = Array(
            String(decoding: lines[200], as: UTF8.self).replacingOccurrences(of: "\"actor\":\"", with: "\"actor\":\"x")
                .utf8)
        try expectLine(disagreeing, 201, "\"actor\"")
        try expectLine(Array(lines[..<250]), nil, "size 300 but the file has 250 lines")
        // Every line well formed but one record replaced by another ledger's: only the root can tell.
        let other = try await TamperFixture.make(events: 300, checkpointEvery: 100)
        defer { other.remove() }
        let otherLedger = try Ledger(Ledger.Options(dataDirectory: other.data, readOnly: true))
        let otherCheckpoint = try #require(try otherLedger.newestCheckpoint())
        otherLedger.close()
        try write(lines, to: exportPath)
        do {
            _ = try verifier.verify(against: [otherCheckpoint.checkpoint])
            Issue.record("accepted another ledger's checkpoint")
        } catch {
            #expect(error.line == 300 && error.reason.contains("differs from the checkpoint"), "\(error)")
        }
    }

    @Test("A witness cosigns with cosignature/v1; the ledger stores the line and verify reports the witness")
    func witnessCosignature() async throws {
        let fixture = try await TamperFixture.make(events: 300, checkpointEvery: 100)
        defer { fixture.remove() }
        let witness = try WitnessSigner.generate(name: "archiwum.gmina.example")
        let witnessKey = try WitnessVerifier(verifierKey: witness.verifierKey)
        #expect(try WitnessSigner(text: witness.text).verifierKey == witness.verifierKey)
        let ledger = try fixture.openWriter(checkpointEvery: 100)
        let newest = try #require(try ledger.newestCheckpoint())
        let cosigned = try witness.cosign(newest, time: 1_764_000_000)
        #expect(try witnessKey.verify(cosigned) == 1_764_000_000)
        #expect(cosigned.text.hasPrefix(newest.text))
        let line = try #require(cosigned.text.split(separator: "\n").last)
        #expect(line.hasPrefix("\u{2014} archiwum.gmina.example "))
        #expect(Base64.decode(String(line.split(separator: " ")[2]))?.count == 4 + 8 + 64)
        // Another body, or another witness key, does not verify.
        let older = try #require(try ledger.newestCheckpoint(atOrBelow: 200))
        var moved = try SignedCheckpoint(
            note: SignedNote(body: older.note.body, signatures: cosigned.note.signatures))
        #expect(throws: CheckpointError.self) { try witnessKey.verify(moved) }
        let impostor = try WitnessVerifier(verifierKey: try WitnessSigner.generate(name: witness.name).verifierKey)
        #expect(throws: CheckpointError.self) { try impostor.verify(cosigned) }
        // The operator's key does not count as a witness, nor a witness key as the operator's.
        #expect(throws: CheckpointError.self) { try NoteVerifier(verifierKey: witness.verifierKey) }

        try await ledger.addCosignatures(cosigned)
        moved = try SignedCheckpoint(
            note: SignedNote(body: "x/ledger/v1\n1\n\(newest.checkpoint.root.base64)\n", signatures: []))
        await #expect(throws: LedgerError.self) { try await ledger.addCosignatures(moved) }
        ledger.close()
        let report = try fixture.verify()
        #expect(report.ok)
        #expect(report.newestCheckpoint.map { $0.cosigners(among: [witnessKey]).map(\.name) } == [witness.name])
        #expect(report.newestCheckpoint?.note.body == newest.note.body)
    }

    private func write(_ lines: [[UInt8]], to path: String) throws {
        var bytes: [UInt8] = []
        for line in lines { bytes += line + [0x0A] }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}
