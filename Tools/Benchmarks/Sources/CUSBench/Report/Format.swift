import Foundation

/// Number formats of the human table and the progress lines.
enum Format {
    /// `1,234,567` for large values, three significant digits for small ones.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "—" }
        if abs(value) >= 100 { return grouped(Int(value.rounded())) }
        if abs(value) >= 10 { return fixed(value, digits: 1) }
        return fixed(value, digits: 2)
    }

    /// `12,345/s (6.1 µs CPU/event)`: a progress line's view of one measurement.
    static func rate(_ throughput: Throughput) -> String {
        "\(number(throughput.eventsPerSecond))/s (\(number(throughput.cpuMicrosecondsPerEvent)) µs CPU/event)"
    }

    static func percent(_ ratio: Double) -> String { fixed(ratio * 100, digits: 1) + " %" }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var result = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return value < 0 ? "-" + result : result
    }

    static func fixed(_ value: Double, digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled.magnitude / UInt(scale)
        let fraction = String(scaled.magnitude % UInt(scale))
        let padded = String(repeating: "0", count: digits - fraction.count) + fraction
        return (scaled < 0 ? "-" : "") + "\(whole)" + (digits > 0 ? "." + padded : "")
    }

    static func padded(_ text: String, to width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - text.count))
        return right ? padding + text : text + padding
    }
}

/// Progress lines on stderr, so stdout carries only the table.
enum Progress {
    static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
