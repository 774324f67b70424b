#if canImport(Glibc)
import Glibc
#endif
import Foundation
import JSON
import JSONRPC

/// `exportdesk-bench coldstart`: what an editor plugin waits for. Spawns `exportdesk serve --stdio` N times
/// and times the first answer (to `system.ping`), then, in the same process, a method's first call against
/// its second, the difference being what compiling that method's schema on first use costs.
enum ColdStartBenchmark {
    struct Options {
        var runs = 30
        var binary = ""
        var method = "companies.create"
        var params = #"{"name":"ООО «Холодный старт»","size":"small","targetMarkets":["SA"],"contacts":[{"name":"Анна","email":"anna@example.ru","phone":"+74951234567"}]}"#

        init(_ args: [String]) throws {
            var i = 0
            binary = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
                .deletingLastPathComponent().appendingPathComponent("exportdesk").path
            while i < args.count {
                let value = i + 1 < args.count ? args[i + 1] : ""
                switch args[i] {
                case "--runs": guard let n = Int(value), n > 0 else { throw BenchError("--runs needs a positive number", exitCode: 64) }; runs = n
                case "--exportdesk": binary = value
                case "--method": method = value
                case "--params": params = value
                default: throw BenchError("coldstart: unknown option \(args[i])", exitCode: 64)
                }
                i += 2
            }
        }
    }

    static func run(_ o: Options) throws -> JSONValue {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("edcold-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/cold.sqlite"
        var firstAnswer: [Double] = [], firstCall: [Double] = [], secondCall: [Double] = []
        for run in 0...o.runs {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: o.binary)
            p.arguments = ["serve", "--stdio", "--db", db, "--log-level", "error"]
            let input = Pipe(), output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = FileHandle.nullDevice
            let reader = LineReader(output.fileHandleForReading)
            func ask(_ id: Int, _ method: String, _ params: String) throws -> Double {
                let started = MonotonicClock.now
                input.fileHandleForWriting.write(Data("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"\(method)\",\"params\":\(params)}\n".utf8))
                guard reader.next() != nil else { throw BenchError("coldstart: the server closed stdout", exitCode: 1) }
                return (MonotonicClock.now - started) * 1000
            }
            let started = MonotonicClock.now
            try p.run()
            input.fileHandleForWriting.write(Data(#"{"jsonrpc":"2.0","id":0,"method":"system.ping"}"#.utf8 + [0x0A]))
            guard reader.next() != nil else { throw BenchError("coldstart: no answer from \(o.binary)", exitCode: 1) }
            let first = (MonotonicClock.now - started) * 1000
            let a = try ask(1, o.method, o.params)
            let b = try ask(2, o.method, o.params)
            try input.fileHandleForWriting.close()
            p.waitUntilExit()
            if run == 0 { continue }   // the first run also creates the database file
            firstAnswer.append(first)
            firstCall.append(a)
            secondCall.append(b)
        }
        func stat(_ v: [Double]) -> JSONValue {
            let s = v.sorted()
            func q(_ p: Double) -> Double { s[min(s.count - 1, Int((p * Double(s.count)).rounded(.up)) - 1)] }
            return ["median": .number(JSONNumber(q(0.5).rounded(toPlaces: 2))), "p90": .number(JSONNumber(q(0.9).rounded(toPlaces: 2)))]
        }
        let penalty = zip(firstCall, secondCall).map { $0 - $1 }
        return ["runs": .number(JSONNumber(o.runs)), "binary": .string(o.binary),
                "firstAnswerMs": stat(firstAnswer),
                "method": .string(o.method), "firstCallMs": stat(firstCall), "secondCallMs": stat(secondCall),
                "firstCallPenaltyMs": stat(penalty)]
    }

    /// Lines from a pipe, read as they come.
    final class LineReader {
        private let handle: FileHandle
        private var buffer = Data()
        init(_ handle: FileHandle) { self.handle = handle }
        func next() -> String? {
            while true {
                if let nl = buffer.firstIndex(of: 0x0A) {
                    let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex...nl)
                    return line
                }
                let chunk = handle.availableData
                if chunk.isEmpty { return nil }
                buffer.append(chunk)
            }
        }
    }
}
