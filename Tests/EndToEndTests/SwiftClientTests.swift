import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// The async/await Swift client against the real binary.
struct SwiftClientTests {
    struct NewCompany: Encodable, Sendable {
        var name: String
        var inn: String?
        var targetMarkets: [String]
    }
    struct Company: Decodable {
        var id: String
        var name: String
        var kind: String?
        var version: Int
        var targetMarkets: [String]?
    }
    struct Page: Decodable {
        var items: [Company]
        var nextCursor: String?
        var total: Int?
    }

    @Test func codableCallsManyInFlight() async throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let client = try ExportDeskClient(socketPath: server.socketPath!)
        let created = try await client.call(
            "companies.create", NewCompany(name: "ООО «Технополис»", inn: "7707083893", targetMarkets: ["SA"]),
            as: Company.self)
        #expect(created.kind == "legal_entity" && created.version == 1)
        try await withThrowingTaskGroup(of: Company.self) { group in
            for i in 0..<40 {
                group.addTask {
                    try await client.call(
                        "companies.create", NewCompany(name: "Компания \(i)", targetMarkets: ["CN"]), as: Company.self)
                }
            }
            var ids = Set<String>()
            for try await c in group { ids.insert(c.id) }
            #expect(ids.count == 40)
        }
        let page = try await client.call(
            "companies.list", ["filter": ["targetMarket": "CN"], "includeTotal": true] as JSONValue)
        #expect(page["total"] == 40)
        let decoded = try JSONValueDecoder().decode(Page.self, from: page)
        #expect(decoded.items.count == 40 && decoded.nextCursor == nil)
        await #expect(throws: RPCError.self) {
            try await client.call("companies.get", ["id": "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A"])
        }
        client.close()
    }

    @Test func notificationsArriveAsAStream() async throws {
        // A SQLite backup's progress, whichever engine the suite runs on.
        let dir = TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", dir.file("db.sqlite")], directory: dir)
        defer { server.stop() }
        let client = try ExportDeskClient(socketPath: server.socketPath!)
        _ = try await client.call(
            "system.backup", ["path": .string(server.directory.file("copy.sqlite")), "progressToken": "t"])
        var iterator = client.notifications.makeAsyncIterator()
        let first = await iterator.next()
        #expect(first?["method"] == "$/progress" && first?["params"]?["token"] == "t")
        client.close()
    }
}
