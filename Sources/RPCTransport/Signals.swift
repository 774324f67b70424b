#if canImport(Glibc)
import Glibc
#endif
import Dispatch

/// Process-wide signal set-up: SIGPIPE ignored, SIGINT/SIGTERM delivered to a handler on a queue.
public enum Signals {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    public static func ignoreSIGPIPE() { signal(SIGPIPE, SIG_IGN) }

    /// Installs `handler` for SIGINT and SIGTERM. Call before starting I/O threads.
    public static func onTermination(_ handler: @escaping @Sendable (Int32) -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { handler(sig) }
            source.resume()
            sources.append(source)
        }
    }
}
