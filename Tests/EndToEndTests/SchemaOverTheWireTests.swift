import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

struct SchemaOverTheWireTests {
    @Test func everyViolationIsReportedWithPathKeywordAndMessage() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let c = try server.connect()
        do {
            _ = try c.call("system.info", ["verbose": true, "format": "json"])
            Issue.record("unknown params were accepted")
        } catch let error as RPCError {
            #expect(error.code == -32602)
            #expect(error.reason == "INVALID_PARAMS")
            let errors = error.data["errors"]?.arrayValue ?? []
            #expect(errors.count == 2)
            #expect(Set(errors.compactMap { $0["instancePath"]?.stringValue }) == ["/verbose", "/format"])
            #expect(
                errors.allSatisfy {
                    $0["keyword"] == "additionalProperties" && $0["message"] == "is not an allowed property"
                })
        }
    }

    @Test func aCopiedBinaryWithoutTheSourceTreeStillValidatesAndDiscovers() throws {
        let dir = TemporaryDirectory()
        let copy = dir.file("exportdesk")
        try FileManager.default.copyItem(atPath: RepositoryPaths.exportdesk, toPath: copy)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: copy)
        p.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        p.arguments = ["serve", "--stdio", "--log-level", "error"]
        let input = Pipe()
        let output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try p.run()
        let c = RPCConnection(
            readFD: dup(output.fileHandleForReading.fileDescriptor),
            writeFD: dup(input.fileHandleForWriting.fileDescriptor))
        let doc = try c.call("rpc.discover")
        #expect(doc["openrpc"] == "1.3.2")
        #expect((doc["methods"]?.arrayValue ?? []).contains { $0["name"] == "system.info" })
        #expect(throws: RPCError.self) { try c.call("system.ping", ["typo": 1]) }
        c.close()
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}
