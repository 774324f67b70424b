/// RFC 4180 CSV with the habits of Russian spreadsheets: UTF-8 with or without BOM, `;` or `,` (whichever the
/// header line uses), quoted fields with `""` escapes and line breaks, CRLF or LF.
struct CSVReader {
    /// Rows as arrays of fields, each with the 1-based line where it starts.
    static func parse(_ text: String) -> (rows: [[String]], lines: [Int]) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        let headerEnd = scalars.firstIndex(of: "\n") ?? scalars.endIndex
        let header = scalars[..<headerEnd]
        let delimiter: Unicode.Scalar =
            header.filter { $0 == ";" }.count > header.filter { $0 == "," }.count ? ";" : ","
        var rows: [[String]] = []
        var lines: [Int] = []
        var field = String.UnicodeScalarView()
        var row: [String] = []
        var quoted = false
        var line = 1
        var rowLine = 1
        var i = 0
        func endField() {
            row.append(String(field))
            field = String.UnicodeScalarView()
        }
        func endRow() {
            endField()
            if !(row.count == 1 && row[0].isEmpty) {
                rows.append(row)
                lines.append(rowLine)
            }
            row = []
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" {
                        field.append("\"")
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == delimiter {
                endField()
            } else if c == "\n" || c == "\r" {
                if c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                endRow()
                line += 1
                rowLine = line
            } else {
                field.append(c)
            }
            i += 1
        }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return (rows, lines)
    }
}
