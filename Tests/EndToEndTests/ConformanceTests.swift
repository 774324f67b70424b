import ExportDeskClient
import Foundation
import JSON
import TestSupport
import Testing

/// The JSON-RPC 2.0 specification's examples and nst/JSONTestSuite, sent to the real binary.
@Suite(.enabled(if: TestSuites.available, TestSuites.skipReason))
struct ConformanceTests {
    enum Transport: String, CaseIterable, Sendable { case stdio, socket }
    static let framings: [RPCConnection.Framing] = [.newlineDelimited, .contentLength]

    @Test(arguments: Transport.allCases, framings)
    func specificationExamples(transport: Transport, framing: RPCConnection.Framing) throws {
        let server = try ServerProcess(
            socket: transport == .socket, stdio: transport == .stdio, arguments: ["--spec-examples"])
        defer { server.stop() }
        let connection =
            transport == .socket ? try server.connect(framing: framing) : server.stdioConnection(framing: framing)
        let examples = try SpecExample.all()
        #expect(examples.count == 15)
        var passed = 0
        for example in examples {
            let failures = try example.check(on: connection)
            #expect(failures.isEmpty, "\(example.name) over \(transport) \(framing): \(failures)")
            if failures.isEmpty { passed += 1 }
        }
        print("JSON-RPC 2.0 spec examples over \(transport), \(framing): \(passed)/\(examples.count) passed")
    }

    @Test func jsonTestSuiteOverTheWireLeavesTheServerAnswering() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let connection = try server.connect(framing: .contentLength)
        let dir = TestSuites.path("JSONTestSuite/test_parsing")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }.sorted()
        // Every n_ file must be a parse error; every y_ file parses, so it is answered as a (mostly invalid) request.
        let sample = names.filter { $0.hasPrefix("n_") || $0.hasPrefix("y_") || $0.hasPrefix("i_") }
        for name in sample {
            let body = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            try connection.sendBody(body)
            try connection.send(["jsonrpc": "2.0", "id": .string("after \(name)"), "method": "system.ping"])
            var replies: [JSONValue] = []
            while true {
                let m = try connection.readMessage(timeout: 10)
                if m["id"] == .string("after \(name)") {
                    #expect(m["result"]?["pong"] == true)
                    break
                }
                replies.append(m)
            }
            if name.hasPrefix("n_") {
                #expect(replies.count == 1 && replies[0]["error"]?["code"] == -32700, "\(name): \(replies)")
            } else if name.hasPrefix("y_") {
                let parseError = replies.contains { $0["error"]?["code"] == -32700 }
                #expect(!parseError, "\(name) is valid JSON but got a parse error")
            }
        }
        #expect(try connection.call("system.ping")["pong"] == true)
    }
}
