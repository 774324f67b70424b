#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Levels of `--log-level`; logs go to stderr only, never to the protocol stream.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 0, warn, info, debug
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    public init?(name: String) {
        switch name {
        case "error": self = .error
        case "warn": self = .warn
        case "info": self = .info
        case "debug": self = .debug
        default: return nil
        }
    }
    var label: String { ["error", "warn", "info", "debug"][rawValue] }
}

/// A process-wide logger writing one line per event to stderr.
public enum Log {
    private static let threshold = Atomic<Int>(LogLevel.info.rawValue)
    private static let writeLock = Mutex(())

    public static var level: LogLevel {
        get { LogLevel(rawValue: threshold.load(ordering: .relaxed)) ?? .info }
        set { threshold.store(newValue.rawValue, ordering: .relaxed) }
    }

    public static func enabled(_ level: LogLevel) -> Bool { level.rawValue <= threshold.load(ordering: .relaxed) }

    public static func error(_ message: @autoclosure () -> String) { write(.error, message) }
    public static func warn(_ message: @autoclosure () -> String) { write(.warn, message) }
    public static func info(_ message: @autoclosure () -> String) { write(.info, message) }
    public static func debug(_ message: @autoclosure () -> String) { write(.debug, message) }

    private static func write(_ level: LogLevel, _ message: () -> String) {
        guard enabled(level) else { return }
        let stamp = WallClock.rfc3339(WallClock.nowMillis)
        let line = "\(stamp) \(level.label) \(message())\n"
        writeLock.withLock { _ in
            var l = line
            l.withUTF8 { buf in
                var off = 0
                while off < buf.count {
                    let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
                    if n < 0 { if errno == EINTR { continue }; return }
                    off += n
                }
            }
        }
    }

}

/// Wall-clock time as SPEC §4 writes it: RFC 3339 in UTC with milliseconds, ending in Z.
public enum WallClock {
    public static var nowMillis: Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec / 1_000_000)
    }

    public static func rfc3339(_ millis: Int64) -> String {
        var secs = time_t(millis / 1000)
        var t = tm()
        gmtime_r(&secs, &t)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(millis % 1000), 3))Z"
    }

    /// The UTC calendar date (`YYYY-MM-DD`) of a moment.
    public static func date(_ millis: Int64) -> String { String(rfc3339(millis).prefix(10)) }

    /// Today's UTC date, for rules and reports on dates.
    public static var today: String { date(nowMillis) }
}
