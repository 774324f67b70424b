import JSON

/// Small pieces of a self-contained report page: escaped text, figures tagged with the path of the report
/// answer they come from (`data-key`), horizontal bar charts as inline SVG.
enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A number as the answer has it (grouped by thin spaces for reading), tagged with its JSON Pointer.
    static func figure(_ value: JSONValue?, key: String) -> String {
        let text = plain(value)
        return
            "<span class=\"n\" data-key=\"\(escape(key))\" data-value=\"\(escape(text))\">\(escape(grouped(text)))</span>"
    }

    static func plain(_ value: JSONValue?) -> String {
        guard let value else { return "—" }
        switch value {
        case .number(let n): return n.int64Value.map(String.init) ?? value.serializedString()
        case .string(let s): return s
        case .null: return "—"
        default: return value.serializedString()
        }
    }

    /// 1234567 → "1 234 567" (Russian grouping with a narrow no-break space).
    static func grouped(_ text: String) -> String {
        let digits = text.prefix { $0.isNumber }
        guard digits.count > 4, digits.count == text.prefix(while: { $0 != "." }).count else { return text }
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{202F}" }
            out.append(c)
        }
        return out + text.dropFirst(digits.count)
    }

    /// A headline: a big number and what it counts.
    static func headline(_ label: String, _ value: JSONValue?, key: String) -> String {
        "<div class=\"headline\">\(figure(value, key: key))<div class=\"label\">\(escape(label))</div></div>"
    }

    /// A horizontal bar chart of labelled counts, largest first (or in the given order: years, a funnel), as
    /// inline SVG with the numbers written out.
    static func bars(
        _ title: String, _ items: [(label: String, value: Double, key: String, shown: JSONValue)], limit: Int = 15,
        ordered: Bool = false
    ) -> String {
        let rows = Array((ordered ? items : items.sorted { $0.value > $1.value }).prefix(limit))
        guard !rows.isEmpty else {
            return "<section class=\"chart\"><h3>\(escape(title))</h3><p class=\"empty\">Нет данных</p></section>"
        }
        let maxValue = max(rows.map(\.value).max() ?? 1, 1)
        let rowHeight = 22
        let labelWidth = 220
        let barWidth = 380
        let height = rows.count * rowHeight + 4
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(labelWidth + barWidth + 90) \(height)\" role=\"img\" aria-label=\"\(escape(title))\">"
        for (i, row) in rows.enumerated() {
            let y = i * rowHeight + 2
            let w = max(1, Int(Double(barWidth) * row.value / maxValue))
            svg +=
                "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(escape(String(row.label.prefix(34))))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(w)\" height=\"\(rowHeight - 6)\" rx=\"2\"/>"
            svg +=
                "<text x=\"\(labelWidth + w + 6)\" y=\"\(y + 15)\" class=\"v\" data-key=\"\(escape(row.key))\" data-value=\"\(escape(plain(row.shown)))\">\(escape(grouped(plain(row.shown))))</text>"
        }
        return "<section class=\"chart\"><h3>\(escape(title))</h3>\(svg)</svg></section>"
    }

    /// Bars from a `{label: count}` object of the answer at `key`.
    static func bars(
        _ title: String, counts: JSONValue?, key: String, names: [String: String] = [:], limit: Int = 15
    ) -> String {
        let items = (counts?.objectValue ?? [:]).map {
            (
                label: names[$0.key] ?? $0.key, value: Double($0.value.int64Value ?? 0),
                key: key + "/" + JSONPointer.escape($0.key), shown: $0.value
            )
        }
        return bars(title, items, limit: limit)
    }

    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        var out = "<table><thead><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows { out += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>" }
        return out + "</tbody></table>"
    }

    static let style = """
        @page { size: A4; margin: 14mm; }
        body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1d2733; margin: 24px auto; max-width: 960px; font-size: 14px; }
        h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid #2f6fb0; padding-bottom: 4px; }
        h3 { font-size: 14px; margin: 16px 0 6px; color: #2f4a66; } .period { color: #5b6b7b; margin-bottom: 16px; }
        .headlines { display: flex; flex-wrap: wrap; gap: 12px; } .headline { border: 1px solid #d6dee8; border-radius: 6px; padding: 10px 14px; min-width: 150px; }
        .headline .n { font-size: 26px; font-weight: bold; color: #2f6fb0; } .label { color: #5b6b7b; font-size: 12px; }
        svg { width: 100%; max-width: 690px; height: auto; font-size: 12px; } svg rect { fill: #2f6fb0; } svg text { fill: #1d2733; } svg text.v { fill: #2f4a66; font-weight: bold; }
        table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; } th, td { border: 1px solid #d6dee8; padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: #eef3f8; } td .n { font-weight: bold; } .empty { color: #8a97a5; } .chart { break-inside: avoid; } section { break-inside: avoid; }
        footer { margin-top: 32px; color: #8a97a5; font-size: 11px; }
        @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
        """

    static func page(title: String, period: JSONValue?, body: String, generated: String) -> String {
        let from = period?["from"]?.stringValue ?? "начала данных"
        let to = period?["to"]?.stringValue ?? "конца данных"
        return """
            <!DOCTYPE html>
            <html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title><style>\(style)</style></head>
            <body><h1>\(escape(title))</h1><div class="period">Период: с <span data-key="/period/from">\(escape(from))</span> по <span data-key="/period/to">\(escape(to))</span></div>
            \(body)
            <footer>ExportDesk · отчёт сформирован \(escape(generated)) · все числа взяты из ответа метода отчёта</footer>
            </body></html>
            """
    }
}
