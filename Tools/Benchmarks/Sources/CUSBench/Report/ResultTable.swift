/// The human report on stdout: one line per result, medians with their min–max.
enum ResultTable {
    private static let headers = [
        "name", "value (min–max)", "unit", "baseline (min–max)", "ratio (min–max)", "target", "ok?",
        "CPU µs/event ours | raw",
    ]

    static func render(_ results: [BenchmarkResult]) -> String {
        let rows = results.map(cells)
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        let line = { (cells: [String]) in
            zip(cells, widths).enumerated().map { column, pair in
                Format.padded(pair.0, to: pair.1, right: column == 1 || column == 3 || column == 4)
            }.joined(separator: "  ")
        }
        var lines = [line(headers), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        lines += rows.map(line)
        let notes = results.compactMap { result in result.note.map { "- \(result.name): \($0)" } }
        return (lines + (notes.isEmpty ? [] : [""] + notes)).joined(separator: "\n")
    }

    private static func cells(_ result: BenchmarkResult) -> [String] {
        [
            result.name,
            spread(result.value, Format.number),
            result.unit,
            result.baseline.map { spread($0, Format.number) } ?? "—",
            result.ratio.map { spread($0, Format.percent) } ?? "—",
            target(result),
            result.isMet.map { $0 ? "yes" : "NO" } ?? "—",
            cpu(result),
        ]
    }

    private static func spread(_ summary: Summary, _ format: (Double) -> String) -> String {
        summary.count == 1
            ? format(summary.median)
            : "\(format(summary.median)) (\(format(summary.minimum))–\(format(summary.maximum)))"
    }

    private static func cpu(_ result: BenchmarkResult) -> String {
        guard let ours = result.cpu else { return "" }
        return "\(Format.number(ours.median)) | \(result.baselineCPU.map { Format.number($0.median) } ?? "—")"
    }

    private static func target(_ result: BenchmarkResult) -> String {
        guard let target = result.target, let kind = result.targetOn else { return "—" }
        switch kind {
        case .ratio: return "≥ " + Format.percent(target)
        case .value: return "≥ " + Format.number(target)
        case .valueBelow: return "< " + Format.number(target)
        }
    }
}
