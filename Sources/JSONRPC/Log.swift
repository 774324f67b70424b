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
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var tmv = tm()
        var secs = ts.tv_sec
        gmtime_r(&secs, &tmv)
        let stamp = String(format4: Int(tmv.tm_year) + 1900) + "-" + pad2(Int(tmv.tm_mon) + 1) + "-" + pad2(Int(tmv.tm_mday))
            + "T" + pad2(Int(tmv.tm_hour)) + ":" + pad2(Int(tmv.tm_min)) + ":" + pad2(Int(tmv.tm_sec))
            + "." + pad3(Int(ts.tv_nsec / 1_000_000)) + "Z"
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

    private static func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    private static func pad3(_ v: Int) -> String { v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)" }
}

extension String {
    fileprivate init(format4 v: Int) { self = String(v) }
}
