/// SQLite's parameters (`?` and `?N`) in PostgreSQL's (`$N`), so repositories write one SQL for both.
/// A bare `?` takes the number after the largest used so far, as in SQLite; quoted text is left alone.
enum Placeholders {
    static func postgres(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var quote: Character?
        var largest = 0
        var chars = sql.makeIterator()
        var pending: Character? = chars.next()
        while let c = pending {
            pending = chars.next()
            if let q = quote {
                out.append(c)
                if c == q { quote = nil }
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                out.append(c)
                continue
            }
            guard c == "?" else {
                out.append(c)
                continue
            }
            var digits = ""
            while let d = pending, d.isASCII, d.isNumber {
                digits.append(d)
                pending = chars.next()
            }
            let n = Int(digits) ?? (largest + 1)
            largest = max(largest, n)
            out.append("$\(n)")
        }
        return out
    }
}
