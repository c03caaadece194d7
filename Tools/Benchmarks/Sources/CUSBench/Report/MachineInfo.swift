import CLMDB
import Foundation

/// What every figure must be read with (style.md §6: "report every number with its disk, sync mode and batch
/// size"): CPU, cores, liblmdb, the disk under the benchmark directory and the sync mode of both sides.
struct MachineInfo: Encodable, Sendable {
    let cpu: String
    let cores: Int
    let shaExtensions: Bool
    let memoryBytes: UInt64
    let kernel: String
    let lmdb: String
    let directory: String
    let disk: String
    let sync: String
    let mapSizeBytes: Int
    let date: String

    static func collect(directory: String, mapSizeBytes: Int) -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let flags = field("flags", in: cpuinfo)?.split(separator: " ") ?? []
        return MachineInfo(
            cpu: field("model name", in: cpuinfo) ?? "unknown",
            cores: ProcessInfo.processInfo.activeProcessorCount,
            shaExtensions: flags.contains("sha_ni"),
            memoryBytes: ProcessInfo.processInfo.physicalMemory,
            kernel: run("/bin/uname", ["-srm"]) ?? "unknown",
            lmdb: String(cString: mdb_version(nil, nil, nil)),
            directory: directory,
            disk: diskLine(directory),
            sync: "ledger and raw baselines: LMDB default (full): every commit flushes data pages, then the meta "
                + "page; no MDB_NOSYNC, MDB_NOMETASYNC or MDB_WRITEMAP. Projections env: MDB_NOMETASYNC (style.md §2)",
            mapSizeBytes: mapSizeBytes,
            date: ISO8601DateFormatter().string(from: Date()))
    }

    var summaryLines: [String] {
        [
            "machine: \(cpu)\(shaExtensions ? " (sha_ni)" : ""), \(cores) cores, "
                + "\(memoryBytes >> 30) GiB, \(kernel)",
            "lmdb: \(lmdb); sync: LMDB default (full), projections env MDB_NOMETASYNC; "
                + "map \(mapSizeBytes >> 30) GiB",
            "disk: \(disk)",
        ]
    }

    private static func field(_ name: String, in cpuinfo: String) -> String? {
        for line in cpuinfo.split(separator: "\n") where line.hasPrefix(name) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// The `df -PT` line of the file system holding `directory`: device, type, size, used, free, mount.
    private static func diskLine(_ directory: String) -> String {
        let output = run("/bin/df", ["-PTh", directory]) ?? ""
        let lines = output.split(separator: "\n")
        guard lines.count >= 2 else { return "unknown" }
        let fields = lines[1].split(separator: " ", omittingEmptySubsequences: true)
        let device = fields.first.map { $0.split(separator: "/").last.map(String.init) ?? "" } ?? ""
        let cache = try? String(contentsOfFile: "/sys/block/\(device)/queue/write_cache", encoding: .utf8)
        let cacheNote = cache.map { ", write cache: \($0.trimmingCharacters(in: .whitespacesAndNewlines))" } ?? ""
        return fields.joined(separator: " ") + cacheNote
    }

    private static func run(_ executable: String, _ arguments: [String]) -> String? {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = pipe
        do { try process.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
