import Synchronization

/// A counter that threads add to without sharing a cache line: each adds to its own stripe, and reading sums
/// them. The server's request counters are touched three times per request by every I/O thread; one shared
/// atomic made the cores pass its cache line back and forth on every call.
final class StripedCounter: Sendable {
    /// One stripe, padded so that two stripes' values never sit on the same 64-byte line.
    final class Stripe: Sendable {
        let value = Atomic<Int>(0)
        private let padding = (0, 0, 0, 0, 0, 0, 0, 0)
    }
    static let stripeCount = 8
    private let stripes = (0..<StripedCounter.stripeCount).map { _ in Stripe() }

    /// The stripe for `index` (any integer; a session keeps its own).
    func stripe(_ index: Int) -> Stripe { stripes[index & (Self.stripeCount - 1)] }

    var total: Int { stripes.reduce(0) { $0 + $1.value.load(ordering: .relaxed) } }
}
