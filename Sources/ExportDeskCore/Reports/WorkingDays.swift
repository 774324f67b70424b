import JSONRPC

/// The centre's calendar: it works Monday to Friday, 09:00–18:00 Moscow time (UTC+3, no daylight saving).
/// A request's age in working days is the number of working days after the Moscow day it came in, up to and
/// including today: one that came in on Friday evening is 1 working day old on Monday. Public holidays are
/// not known to ExportDesk and count as working days.
public enum WorkingDays {
    static let moscowOffsetMillis: Int64 = 3 * 3_600_000

    /// Days since 1970-01-01 of the Moscow calendar day of a moment.
    static func moscowDay(_ millis: Int64) -> Int64 {
        let shifted = millis + moscowOffsetMillis
        return shifted >= 0 ? shifted / 86_400_000 : (shifted - 86_399_999) / 86_400_000
    }

    /// Monday is 0 … Sunday 6 (1970-01-01 was a Thursday).
    static func weekday(_ day: Int64) -> Int64 { ((day + 3) % 7 + 7) % 7 }

    /// Working days strictly after the Moscow day of `from`, up to and including the Moscow day of `to`.
    public static func between(_ from: Int64, _ to: Int64) -> Int {
        let first = moscowDay(from) + 1, last = moscowDay(to)
        guard last >= first else { return 0 }
        let days = last - first + 1
        var count = (days / 7) * 5
        var d = first + (days / 7) * 7
        while d <= last {
            if weekday(d) < 5 { count += 1 }
            d += 1
        }
        return Int(count)
    }

    /// Milliseconds of an RFC 3339 timestamp as ExportDesk writes them (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
    public static func millis(_ timestamp: String) -> Int64? {
        let b = Array(timestamp.utf8)
        guard b.count >= 19 else { return nil }
        func n(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r { guard b[i] >= 48 && b[i] <= 57 else { return nil }; v = v * 10 + Int64(b[i] - 48) }
            return v
        }
        guard let y = n(0..<4), let mo = n(5..<7), let d = n(8..<10), let h = n(11..<13), let mi = n(14..<16), let s = n(17..<19) else { return nil }
        let ms = b.count >= 23 ? (n(20..<23) ?? 0) : 0
        // Days from civil (proleptic Gregorian).
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let days = era * 146_097 + (yoe * 365 + yoe / 4 - yoe / 100 + doy) - 719_468
        return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms
    }
}
