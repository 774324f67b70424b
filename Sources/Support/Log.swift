import JSON
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Levels of `--log-level`; logs go to stderr only, never to the protocol stream.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 0
    case warn, info, debug
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

/// How log lines are written (`--log-format`): text for people, one JSON object per line for journald and
/// log collectors.
public enum LogFormat: String, Sendable { case text, json }

/// A process-wide logger writing one line per event to stderr. Structured fields (method, durationMs,
/// connection…) follow the message as `key=value` in text and as members in JSON; they never carry params
/// or records, so personal data stays out of the log in both formats.
public enum Log {
    private static let threshold = Atomic<Int>(LogLevel.info.rawValue)
    private static let json = Atomic<Bool>(false)
    private static let writeLock = Mutex(())

    public static var format: LogFormat {
        get { json.load(ordering: .relaxed) ? .json : .text }
        set { json.store(newValue == .json, ordering: .relaxed) }
    }

    public static var level: LogLevel {
        get { LogLevel(rawValue: threshold.load(ordering: .relaxed)) ?? .info }
        set { threshold.store(newValue.rawValue, ordering: .relaxed) }
    }

    public static func enabled(_ level: LogLevel) -> Bool { level.rawValue <= threshold.load(ordering: .relaxed) }

    public static func error(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> JSONObject = [:]) {
        write(.error, message, fields)
    }
    public static func warn(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> JSONObject = [:]) {
        write(.warn, message, fields)
    }
    public static func info(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> JSONObject = [:]) {
        write(.info, message, fields)
    }
    public static func debug(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> JSONObject = [:]) {
        write(.debug, message, fields)
    }

    /// A field's value as JSON text (for the values that are not strings).
    private static func json(_ v: JSONValue) -> String {
        var w = JSONWriter(capacity: 16)
        w.write(v)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    /// One log line in the current format, without its newline.
    static func line(_ level: LogLevel, _ message: String, _ fields: JSONObject, millis: Int64) -> String {
        let stamp = WallClock.rfc3339(millis)
        if json.load(ordering: .relaxed) {
            var o: JSONObject = ["time": .string(stamp), "level": .string(level.label), "message": .string(message)]
            for (k, v) in fields where o[k] == nil { o[k] = v }
            var w = JSONWriter(capacity: 128)
            w.write(.object(o))
            return String(decoding: w.bytes, as: UTF8.self)
        }
        var text = "\(stamp) \(level.label) \(message)"
        for (k, v) in fields { text += " \(k)=\(v.stringValue ?? Self.json(v))" }
        return text
    }

    private static func write(_ level: LogLevel, _ message: () -> String, _ fields: () -> JSONObject) {
        guard enabled(level) else { return }
        let line = Self.line(level, message(), fields(), millis: WallClock.nowMillis) + "\n"
        writeLock.withLock { _ in
            var l = line
            l.withUTF8 { buf in
                var off = 0
                // Support sits below RPCTransport's `syscall`, so a log line keeps its own EINTR retry; a line that
                // cannot be written is dropped (there is nowhere left to report it).
                while off < buf.count {
                    let n = Glibc.write(2, buf.baseAddress! + off, buf.count - off)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return
                    }
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
        return
            "\(pad(t.tm_year + 1900, 4))-\(pad(t.tm_mon + 1, 2))-\(pad(t.tm_mday, 2))T\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)).\(pad(Int32(millis % 1000), 3))Z"
    }

    /// The UTC calendar date (`YYYY-MM-DD`) of a moment.
    public static func date(_ millis: Int64) -> String { String(rfc3339(millis).prefix(10)) }

    /// Today's UTC date, for rules and reports on dates.
    public static var today: String { date(nowMillis) }
}
