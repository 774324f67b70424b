import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import Support

#if canImport(Glibc)
import Glibc
#endif

/// `exportdesk-bench coldstart`: what an editor plugin waits for. Spawns `exportdesk serve --stdio` N times
/// and times the first answer (to `system.ping`), then, in the same process, a method's first call against
/// its second, the difference being what compiling that method's schema on first use costs.
enum ColdStartBenchmark {
    struct Options {
        var runs = 30
        var binary = ""
        var method = "companies.create"
        var params =
            #"{"name":"ООО «Холодный старт»","size":"small","targetMarkets":["SA"],"contacts":[{"name":"Анна","email":"anna@example.ru","phone":"+74951234567"}]}"#

        init(_ args: [String]) throws {
            var i = 0
            binary =
                URL(
                    fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                        ?? CommandLine.arguments[0]
                )
                .deletingLastPathComponent().appendingPathComponent("exportdesk").path
            while i < args.count {
                let value = i + 1 < args.count ? args[i + 1] : ""
                switch args[i] {
                case "--runs":
                    guard let n = Int(value), n > 0 else {
                        throw BenchError("--runs needs a positive number", exitCode: 64)
                    }
                    runs = n
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
        var firstAnswer: [Double] = []
        var firstCall: [Double] = []
        var secondCall: [Double] = []
        for run in 0...o.runs {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: o.binary)
            p.arguments = ["serve", "--stdio", "--db", db, "--log-level", "error"]
            let input = Pipe()
            let output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = FileHandle.nullDevice
            let started = MonotonicClock.now
            try p.run()
            let connection = RPCConnection(
                readFD: dup(output.fileHandleForReading.fileDescriptor),
                writeFD: dup(input.fileHandleForWriting.fileDescriptor))
            try input.fileHandleForWriting.close()
            _ = try connection.call("system.ping")
            let first = (MonotonicClock.now - started) * 1000
            let params = try JSONParser.parse(o.params)
            func timed() throws -> Double {
                let t = MonotonicClock.now
                _ = try connection.call(o.method, params)
                return (MonotonicClock.now - t) * 1000
            }
            let a = try timed()
            let b = try timed()
            connection.close()
            p.waitUntilExit()
            if run == 0 { continue }  // the first run also creates the database file
            firstAnswer.append(first)
            firstCall.append(a)
            secondCall.append(b)
        }
        func stat(_ v: [Double]) -> JSONValue {
            let s = v.sorted()
            func q(_ p: Double) -> Double { s[min(s.count - 1, Int((p * Double(s.count)).rounded(.up)) - 1)] }
            return [
                "median": .number(JSONNumber(q(0.5).rounded(toPlaces: 2))),
                "p90": .number(JSONNumber(q(0.9).rounded(toPlaces: 2))),
            ]
        }
        let penalty = zip(firstCall, secondCall).map { $0 - $1 }
        return [
            "runs": .number(JSONNumber(o.runs)), "binary": .string(o.binary),
            "firstAnswerMs": stat(firstAnswer),
            "method": .string(o.method), "firstCallMs": stat(firstCall), "secondCallMs": stat(secondCall),
            "firstCallPenaltyMs": stat(penalty),
        ]
    }
}
