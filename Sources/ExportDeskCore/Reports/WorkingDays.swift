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
        let first = moscowDay(from) + 1
        let last = moscowDay(to)
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
}
