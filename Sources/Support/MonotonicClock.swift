#if canImport(Glibc)
import Glibc
#endif

/// Seconds on a monotonic clock, for timeouts and latencies.
public enum MonotonicClock {
    public static var now: Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
