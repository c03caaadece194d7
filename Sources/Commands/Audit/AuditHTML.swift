/// Self-contained, printable HTML for auditors (subject export, audit report): no script, no external asset,
/// every value escaped.
public enum AuditHTML {
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A table with a header row; cells are escaped.
    public static func table(_ header: [String], _ rows: [[String]], empty: String = "none") -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(escape(empty))</p>\n" }
        let head = header.map { "<th>\(escape($0))</th>" }.joined()
        let body = rows.map { row in "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }
        return "<table><thead><tr>\(head)</tr></thead><tbody>\n" + body.joined(separator: "\n")
            + "\n</tbody></table>\n"
    }

    /// A whole page: `body` is trusted HTML built with the helpers above.
    public static func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="pl"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body { font: 11pt/1.4 "DejaVu Sans", Arial, sans-serif; margin: 2em; color: #111; }
        h1 { font-size: 18pt; margin-bottom: .2em; } h2 { font-size: 13pt; border-bottom: 1px solid #999; margin-top: 1.6em; }
        table { border-collapse: collapse; width: 100%; margin: .5em 0; font-size: 9.5pt; }
        th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: left; vertical-align: top; word-break: break-word; }
        th { background: #eee; } code, .mono { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; word-break: break-all; }
        .ok { color: #064; font-weight: bold; } .bad { color: #a00; font-weight: bold; } .empty { color: #666; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; } dt { font-weight: bold; }
        @media print { body { margin: 0; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
        </style></head><body>
        \(body)</body></html>

        """
    }

    /// A definition list of label/value pairs, escaped; values in `mono` are set in a monospace font.
    public static func facts(_ pairs: [(String, String)], mono: Set<String> = []) -> String {
        "<dl>"
            + pairs.map { label, value in
                let cell = mono.contains(label) ? "<span class=\"mono\">\(escape(value))</span>" : escape(value)
                return "<dt>\(escape(label))</dt><dd>\(cell)</dd>"
            }.joined() + "</dl>\n"
    }
}
