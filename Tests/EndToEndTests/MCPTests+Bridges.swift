import ExportDeskClient
import Foundation
import Glibc
import JSON
import SQLiteStore
import Storage
import TestSupport
import Testing

extension MCPTests {
    /// `--socket` bridges to a running server, and a token's role decides the tools (least privilege).
    @Test func aBridgeWithATokenOffersWhatItsRoleMayCall() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let c = try server.connect()
        let institution = try c.call("institutions.create", ["name": "Колледж № 3", "kind": "college"])
        let secret = try c.call(
            "tokens.create", ["role": "institution", "label": "mcp", "institutionId": institution["id"]!])["secret"]!
            .stringValue!
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
        p.arguments = ["mcp", "--socket", server.socketPath!]
        p.environment = ProcessInfo.processInfo.environment.merging(["EXPORTDESK_TOKEN": secret]) { $1 }
        let input = Pipe()
        let output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        let lines = [
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"50"}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"students_create","arguments":{"fullName":"Илья","specialty":"15.02.10","course":2}}}"#,
            #"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"companies_create","arguments":{"name":"Чужая"}}}"#,
        ]
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let replies = try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONParser.parse(String($0))
        }
        let byID = Dictionary(replies.map { ($0["id"]?.int64Value ?? 0, $0) }, uniquingKeysWith: { a, _ in a })
        let names = [2, 3].flatMap { byID[Int64($0)]?["result"]?["tools"]?.arrayValue ?? [] }.compactMap {
            $0["name"]?.stringValue
        }
        #expect(
            names.contains("students_create") && names.contains("placements_propose"),
            "an institution registers students and proposes placements")
        #expect(
            !names.contains("companies_create") && !names.contains("tokens_create"), "nothing its role may not call")
        #expect(byID[4]?["result"]?["isError"] == false, "the student is created through the running server")
        #expect(
            byID[4]?["result"]?["structuredContent"]?["institutionId"] == institution["id"],
            "bound to the token's institution: \(String(describing: byID[4]))")
        #expect(byID[5]?["error"]?["code"] == -32602, "a tool not offered is unknown")
    }

    /// An assistant that stops its MCP server with SIGTERM leaves the database whole, as EOF does.
    @Test func sigtermStopsCleanly() throws {
        let dir = TemporaryDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
        p.arguments = ["mcp", "--db", dir.file("db.sqlite"), "--tools", "all"]
        let input = Pipe()
        let output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = FileHandle.nullDevice
        try p.run()
        let lines = LineReader(output.fileHandleForReading)
        input.fileHandleForWriting.write(
            Data(
                (#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
                    + "\n"
                    + #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"companies_create","arguments":{"name":"До сигнала"}}}"#
                    + "\n").utf8))
        _ = lines.next()
        #expect(lines.next()?.contains("\"isError\":false") == true)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        let wal = (try? FileManager.default.attributesOfItem(atPath: dir.file("db.sqlite-wal"))[.size] as? Int) ?? 0
        #expect(wal == 0, "the write was checkpointed into the database file")
        let db = try Connection(path: dir.file("db.sqlite"))
        #expect(try db.scalar("SELECT count(*) FROM companies") == 1)
    }
}
