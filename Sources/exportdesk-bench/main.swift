import Foundation
import JSON
import JSONRPC
import RPCTransport
import Support
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

// exportdesk-bench: a closed-loop load generator for a running server (see BenchOptions.help).
if CommandLine.arguments.dropFirst().first == "validate" {
    let iterations = CommandLine.arguments.dropFirst(2).first.flatMap(Int.init) ?? 200_000
    do {
        print(try ValidationBenchmark.run(iterations: iterations).serializedString(pretty: true))
        exit(0)
    } catch {
        FileHandle.standardError.write("exportdesk-bench validate: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
}

if CommandLine.arguments.dropFirst().first == "ceiling" {
    do {
        try CeilingServer.run(Array(CommandLine.arguments.dropFirst(2)))
        exit(0)
    } catch let error as BenchError {
        FileHandle.standardError.write((error.message + "\n").data(using: .utf8)!)
        exit(error.exitCode)
    }
}

if CommandLine.arguments.dropFirst().first == "coldstart" {
    do {
        print(
            try ColdStartBenchmark.run(try ColdStartBenchmark.Options(Array(CommandLine.arguments.dropFirst(2))))
                .serializedString(pretty: true))
        exit(0)
    } catch let error as BenchError {
        FileHandle.standardError.write((error.message + "\n").data(using: .utf8)!)
        exit(error.exitCode)
    } catch {
        FileHandle.standardError.write("exportdesk-bench coldstart: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
}

if let mode = CommandLine.arguments.dropFirst().first, mode == "sync" || mode == "feed" {
    do {
        let o = try PartnerBenchmark.Options(Array(CommandLine.arguments.dropFirst(2)))
        print(try (mode == "sync" ? PartnerBenchmark.sync(o) : PartnerBenchmark.feed(o)).serializedString(pretty: true))
        exit(0)
    } catch let error as BenchError {
        FileHandle.standardError.write((error.message + "\n").data(using: .utf8)!)
        exit(error.exitCode)
    } catch {
        FileHandle.standardError.write("exportdesk-bench \(mode): \(error)\n".data(using: .utf8)!)
        exit(1)
    }
}

let options: BenchOptions
do {
    options = try BenchOptions(arguments: Array(CommandLine.arguments.dropFirst()))
} catch let error as BenchError {
    FileHandle.standardError.write((error.message + "\n").data(using: .utf8)!)
    exit(error.exitCode)
}
signal(SIGPIPE, SIG_IGN)

let phase = Atomic<Int>(0)  // 0 warm-up, 1 measuring, 2 stopping
var connections: [LoadConnection] = []
let address: UnixSocketAddress
do { address = try UnixSocketAddress(path: options.socketPath) } catch {
    FileHandle.standardError.write("exportdesk-bench: \(error)\n".data(using: .utf8)!)
    exit(2)
}
for i in 0..<options.connections {
    do {
        let fd = try address.connect()
        connections.append(
            LoadConnection(
                fd: fd, options: options, index: i + 1,
                measuring: { phase.load(ordering: .relaxed) == 1 },
                stopped: { phase.load(ordering: .relaxed) == 2 }))
    } catch {
        FileHandle.standardError.write(
            "exportdesk-bench: cannot connect to \(options.socketPath): \(error)\n".data(using: .utf8)!)
        exit(2)
    }
}

let group = DispatchGroup()
for connection in connections {
    group.enter()
    let thread = Thread {
        connection.run()
        group.leave()
    }
    thread.start()
}
usleep(UInt32(options.warmup * 1_000_000))
let measureStart = MonotonicClock.now
phase.store(1, ordering: .relaxed)
usleep(UInt32(options.duration * 1_000_000))
phase.store(2, ordering: .relaxed)
let measured = MonotonicClock.now - measureStart
group.wait()

var merged: [UInt32] = []
for c in connections { merged.append(contentsOf: c.latenciesNanos) }
merged.sort()
let all = merged
@MainActor func percentile(_ p: Double) -> JSONValue {
    guard !all.isEmpty else { return .null }
    let i = min(all.count - 1, Int((p * Double(all.count)).rounded(.up)) - 1)
    return .number(JSONNumber((Double(all[max(0, i)]) / 1000).rounded(toPlaces: 1)))
}
let completed = connections.reduce(0) { $0 + $1.completed }
let errors = connections.reduce(0) { $0 + $1.errors }
var report: JSONObject = [
    "method": .string(options.method),
    "connections": .number(JSONNumber(options.connections)),
    "depth": .number(JSONNumber(options.depth)),
    "seconds": .number(JSONNumber(measured.rounded(toPlaces: 3))),
    "requests": .number(JSONNumber(completed)),
    "errors": .number(JSONNumber(errors)),
    "requestsPerSecond": .number(JSONNumber((Double(completed) / measured).rounded())),
    "latencyMicros": [
        "p50": percentile(0.5), "p99": percentile(0.99), "p99.9": percentile(0.999),
        "max": percentile(1.0),
    ],
]
if let firstError = connections.compactMap(\.firstError).first { report["firstError"] = .string(firstError) }
print(JSONValue.object(report).serializedString(pretty: true))
exit(connections.contains { $0.firstError != nil && $0.completed == 0 } ? 1 : 0)

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
