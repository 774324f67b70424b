import Foundation
import JSON
import JSONRPC
import Synchronization

/// Captures what a session writes, so engine behaviour can be tested without any transport.
final class CapturingOutput: RPCOutput, @unchecked Sendable {
    private let buffer = Mutex<[UInt8]>([])
    private let closedFlag = Atomic<Bool>(false)

    func send(_ bytes: [UInt8]) { buffer.withLock { $0.append(contentsOf: bytes) } }
    func close() { closedFlag.store(true, ordering: .relaxed) }
    var closed: Bool { closedFlag.load(ordering: .relaxed) }
    var raw: [UInt8] { buffer.withLock { $0 } }

    /// Newline-delimited messages written so far, parsed.
    var messages: [JSONValue] {
        let bytes = buffer.withLock { $0 }
        return bytes.split(separator: 0x0A).compactMap { try? JSONParser.parse(Array($0)) }
    }

    /// Waits (without blocking a cooperative thread) until `count` messages were written, or the timeout.
    func waitForMessages(_ count: Int, timeout: Double = 20) async -> [JSONValue] {
        let deadline = Date().addingTimeInterval(timeout)
        while messages.count < count && Date() < deadline { try? await Task.sleep(nanoseconds: 1_000_000) }
        return messages
    }
}

struct Harness {
    let core: RPCServerCore
    let output = CapturingOutput()
    let session: RPCSession

    init(limits: RPCLimits = RPCLimits(), _ configure: (inout RPCMethodRegistry) -> Void) {
        var registry = RPCMethodRegistry()
        configure(&registry)
        core = RPCServerCore(registry: registry, limits: limits)
        session = RPCSession(core: core, output: output, label: "test")
    }

    @discardableResult
    func send(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { session.receive($0) }
    }
}

extension RPCMethodRegistry {
    /// `echo` returns its params; `slow` waits until cancelled (or 10 s); `fail` throws an unexpected error.
    mutating func registerTestMethods() {
        register(RPCMethod(name: "echo", handler: .sync { _, params in params }))
        register(
            RPCMethod(
                name: "slow",
                handler: .async { _, params in
                    let ms = params["ms"]?.int64Value ?? 10_000
                    try await Task.sleep(nanoseconds: UInt64(ms) * 1_000_000)
                    return "finished"
                }))
        // Like a write already handed to the writer: it finishes whatever cancellation says.
        register(
            RPCMethod(
                name: "committed",
                handler: .async { _, _ in
                    while !Task.isCancelled { await Task.yield() }
                    return "written"
                }))
        struct Boom: Error {}
        register(RPCMethod(name: "fail", handler: .sync { _, _ in throw Boom() }))
        register(
            RPCMethod(
                name: "needsName",
                handler: .sync { _, params in
                    guard params["name"]?.stringValue != nil else {
                        throw RPCError.invalidParams(
                            path: "/name", keyword: "required", "must have required property 'name'")
                    }
                    return true
                }))
    }
}
