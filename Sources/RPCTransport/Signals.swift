import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Process-wide signal set-up: SIGPIPE ignored; SIGINT and SIGTERM blocked in every thread from the start
/// and taken by one thread with `sigwait`, so none can arrive before a handler exists and be lost.
public enum Signals {
    public static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }

    private static var termination: sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        return set
    }

    /// Blocks SIGINT and SIGTERM in the calling thread and in every thread it starts later. Call first
    /// thing, before any thread exists: a signal that arrives meanwhile stays pending (the kernel keeps it)
    /// until `onTermination` takes it. A handler that merely ignored the signal would have it discarded.
    public static func blockTermination() {
        var set = termination
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Starts a thread that waits for SIGINT/SIGTERM (blocked by `blockTermination`) and calls `handler`
    /// for each one; a signal already pending is delivered at once.
    public static func onTermination(_ handler: @escaping @Sendable (Int32) -> Void) {
        blockTermination()
        let thread = Thread {
            var set = termination
            while true {
                var sig: Int32 = 0
                if sigwait(&set, &sig) == 0 { handler(sig) }
            }
        }
        thread.name = "exportdesk-signals"
        thread.start()
    }
}
