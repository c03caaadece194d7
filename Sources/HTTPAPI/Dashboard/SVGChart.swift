import Commands
import Foundation

/// Small inline SVG charts for the dashboard, drawn on the server so pages need no script or chart library. Each
/// chart is an `img` for assistive technology with a title naming what it shows; the numbers also stand in a
/// table beside it, so the chart never is the only way to read them. Colours come from the stylesheet classes
/// (`series-0` …), which keep a 3:1 contrast against the background and print in greys.
enum SVGChart {
    /// One bar of a bar chart: a value, or a marker (the suppression "<5", or "–" for no value) drawn in its place.
    struct Bar {
        var label: String
        var value: Double?
        var marker: String?
    }

    /// Vertical bars, one per label (the monthly trend of an indicator).
    static func bars(_ bars: [Bar], title: String, width: Int = 240, height: Int = 72) -> String {
        let top = bars.compactMap(\.value).max() ?? 0
        let slot = Double(width) / Double(max(bars.count, 1))
        let barWidth = max(slot * 0.7, 1)
        let base = Double(height - 14)
        var parts: [String] = []
        for (index, bar) in bars.enumerated() {
            let x = Double(index) * slot + (slot - barWidth) / 2
            let label = "\(bar.label): \(bar.marker ?? format(bar.value))"
            if let value = bar.value, top > 0 {
                let barHeight = max(value / top * (base - 4), value > 0 ? 1 : 0)
                parts.append(
                    rect(
                        x: x, y: base - barHeight, width: barWidth, height: barHeight, className: "series-0",
                        tooltip: label))
            } else {
                parts.append(
                    text(bar.marker ?? "–", x: x + barWidth / 2, y: base - 2, className: "marker", anchor: "middle"))
            }
            if bars.count <= 12 || index % 3 == 0 {
                parts.append(text(shortMonth(bar.label), x: x + barWidth / 2, y: Double(height - 2), anchor: "middle"))
            }
        }
        parts.append(line(x1: 0, y1: base, x2: Double(width), y2: base))
        return svg(width: width, height: height, title: title, parts)
    }

    /// One group of a grouped bar chart: a label and one value per series.
    struct Group {
        var label: String
        var values: [Double]
    }

    /// Horizontal grouped bars with a legend (planned / authorised / delivered units per plan item).
    static func groupedBars(_ groups: [Group], series: [String], title: String, width: Int = 560) -> String {
        let top = groups.flatMap(\.values).max() ?? 0
        let labelWidth = 150.0
        let barHeight = 12.0
        let groupHeight = barHeight * Double(series.count) + 10
        let legendHeight = 22.0
        let height = Int(legendHeight + groupHeight * Double(groups.count) + 4)
        let plotWidth = Double(width) - labelWidth - 60
        var parts: [String] = []
        for (index, name) in series.enumerated() {
            let x = Double(index) * 150
            parts.append(rect(x: x, y: 4, width: 12, height: 12, className: "series-\(index)"))
            parts.append(text(name, x: x + 16, y: 14))
        }
        for (groupIndex, group) in groups.enumerated() {
            let y = legendHeight + Double(groupIndex) * groupHeight
            parts.append(text(group.label, x: 0, y: y + groupHeight / 2 + 2))
            for (index, value) in group.values.enumerated() {
                let barY = y + Double(index) * barHeight
                let length = top > 0 ? value / top * plotWidth : 0
                parts.append(
                    rect(x: labelWidth, y: barY, width: length, height: barHeight - 2, className: "series-\(index)"))
                parts.append(text(format(value), x: labelWidth + length + 4, y: barY + barHeight - 3))
            }
        }
        return svg(width: width, height: height, title: title, parts)
    }

    /// A grid of cells shaded by a ratio (provider utilisation per month): 0 is lightest, 1 and more darkest,
    /// over 1 outlined; a missing value is left empty. Each cell shows its percentage, so shading is never the
    /// only cue.
    static func heatMap(rows: [String], columns: [String], cells: [[Double?]], title: String) -> String {
        // About 6 px a character at the chart's 10 px font, capped so the cells stay on screen.
        let labelWidth = min(300, Double((rows.map(\.count).max() ?? 0) * 6 + 16))
        let cellWidth = 58.0
        let cellHeight = 24.0
        let headerHeight = 20.0
        let width = Int(labelWidth + cellWidth * Double(columns.count))
        let height = Int(headerHeight + cellHeight * Double(rows.count))
        var parts: [String] = []
        for (index, column) in columns.enumerated() {
            parts.append(
                text(column, x: labelWidth + Double(index) * cellWidth + cellWidth / 2, y: 14, anchor: "middle"))
        }
        for (rowIndex, row) in rows.enumerated() {
            let y = headerHeight + Double(rowIndex) * cellHeight
            parts.append(text(row.count > 48 ? row.prefix(47) + "…" : row, x: 0, y: y + cellHeight / 2 + 4))
            for (columnIndex, value) in cells[rowIndex].enumerated() {
                let x = labelWidth + Double(columnIndex) * cellWidth
                guard let value else { continue }
                let shade = min(Int((value * 5).rounded(.down)), 5)
                let over = value > 1 ? " over" : ""
                parts.append(
                    rect(
                        x: x + 1, y: y + 1, width: cellWidth - 2, height: cellHeight - 2,
                        className: "heat-\(shade)\(over)"))
                parts.append(
                    text(
                        percent(value), x: x + cellWidth / 2, y: y + cellHeight / 2 + 4,
                        className: shade >= 3 ? "on-dark" : nil, anchor: "middle"))
            }
        }
        return svg(width: width, height: height, title: title, parts)
    }

    static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }

    /// A number as the tables print it: integers without a fraction (thousands apart by a narrow space from
    /// 10 000, as Polish writes them), others with 2 decimals.
    static func format(_ value: Double?) -> String {
        guard let value else { return "–" }
        guard value == value.rounded() && abs(value) < 1e15 else { return String(format: "%.2f", value) }
        let digits = String(Int64(abs(value)))
        guard digits.count > 4 else { return String(Int64(value)) }
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append("\u{202F}") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// "2025-03" → "03/25" under a bar; other labels unchanged.
    static func shortMonth(_ label: String) -> String {
        let parts = label.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4 else { return label }
        return "\(parts[1])/\(parts[0].suffix(2))"
    }

    static func escape(_ text: String) -> String { AuditHTML.escape(text) }

    private static func svg(width: Int, height: Int, title: String, _ parts: [String]) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
            + parts.joined() + "</svg>"
    }

    private static func rect(
        x: Double, y: Double, width: Double, height: Double, className: String, tooltip: String? = nil
    ) -> String {
        let shape =
            "<rect class=\"\(className)\" x=\"\(number(x))\" y=\"\(number(y))\" width=\"\(number(width))\" "
            + "height=\"\(number(height))\""
        guard let tooltip else { return shape + "/>" }
        return shape + "><title>\(escape(tooltip))</title></rect>"
    }

    private static func line(x1: Double, y1: Double, x2: Double, y2: Double) -> String {
        "<line class=\"axis\" x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\"/>"
    }

    private static func text(
        _ content: String, x: Double, y: Double, className: String? = nil, anchor: String = "start"
    ) -> String {
        let classAttribute = className.map { " class=\"\($0)\"" } ?? ""
        return "<text\(classAttribute) x=\"\(number(x))\" y=\"\(number(y))\" text-anchor=\"\(anchor)\">"
            + escape(content) + "</text>"
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }
}
