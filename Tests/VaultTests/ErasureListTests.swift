import Foundation
import Ledger
import Testing
import Vault

@Suite("The erasure list file")
struct ErasureListTests {
    let first = UUID128(high: 0x0123_4567_89AB_CDEF, low: 0x0011_2233_4455_6677)
    let second = UUID128(high: 2, low: 3)

    @Test("Appended pairs read back in order, one line each; a missing file is an empty list")
    func appendAndRead() throws {
        try VaultFixture.with { fixture throws in
            let list = ErasureList(path: fixture.root + "/erasures.log")
            #expect(try list.entries().isEmpty)
            try list.append(position: Position(7), keyIDs: [first, second])
            try list.append(position: Position(12), keyIDs: [second])
            try list.append(position: Position(7), keyIDs: [first])
            let entries = try list.entries()
            #expect(entries.map(\.position) == [Position(7), Position(7), Position(12)])
            #expect(entries.map(\.keyID) == [first, second, second])
            let text = String(decoding: try fileBytes(list.path), as: UTF8.self)
            #expect(text.hasPrefix("7 01234567-89ab-cdef-0011-223344556677\n"))

            // Several receipts at once (start-up): each pair not listed yet, once, in the order given.
            try list.append([(Position(12), [second]), (Position(20), [first, first]), (Position(21), [])])
            try list.append([(Position(20), [first]), (Position(7), [second])])
            #expect(try list.entries().map { "\($0.position.rawValue)" } == ["7", "7", "12", "20"])
        }
    }

    @Test("A torn last line is ignored, and cut off by the next append")
    func tornLastLine() throws {
        try VaultFixture.with { fixture throws in
            let list = ErasureList(path: fixture.root + "/erasures.log")
            try list.append(position: Position(3), keyIDs: [first])
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: list.path))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("9 0000".utf8))
            try handle.close()
            #expect(try list.entries().count == 1)
            try list.append(position: Position(9), keyIDs: [second])
            let entries = try list.entries()
            #expect(entries.map(\.position) == [Position(3), Position(9)])
            #expect(String(decoding: try fileBytes(list.path), as: UTF8.self).split(separator: "\n").count == 2)
        }
    }

    @Test("A garbage line is refused with its line number")
    func garbageLine() throws {
        try VaultFixture.with { fixture throws in
            let path = fixture.root + "/erasures.log"
            let lines = [
                "3 01234567-89ab-cdef-0011-223344556677\nnot a line\n",
                "-3 01234567-89ab-cdef-0011-223344556677\n",
                "3  01234567-89ab-cdef-0011-223344556677\n",
                "03 01234567-89ab-cdef-0011-223344556677\n",
                "3 01234567-89AB-cdef-0011-223344556677\n",
                "\n",
            ]
            for contents in lines {
                try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
                do throws(VaultError) {
                    _ = try ErasureList(path: path).entries()
                    Issue.record("accepted \(contents.debugDescription)")
                } catch {
                    #expect(error.code == .corrupted)
                }
            }
            #expect(throws: VaultError.self) {
                try ErasureList(path: path).append(position: Position(1), keyIDs: [first])
            }
        }
    }
}
