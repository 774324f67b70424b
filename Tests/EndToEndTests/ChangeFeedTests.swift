import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// changes.list: the feed partners poll (SPEC §7).
struct ChangeFeedTests {
    @Test func pagingFromTheStartSeesEveryChangeExactlyOnce() throws {
        let server = try Harness.inProcess.start()
        defer { server.stop() }
        let c = try server.connect()
        var ids: [JSONValue] = []
        for i in 0..<120 { ids.append(try c.call("companies.create", ["name": .string("Компания \(i)")])["id"]!) }
        for id in ids.prefix(30) { _ = try c.call("companies.update", ["id": id, "patch": ["size": "small"]]) }
        for id in ids.prefix(5) { _ = try c.call("companies.archive", ["id": id]) }
        var seen: [Int64] = []
        var cursor = "0"
        while true {
            let page = try c.call("changes.list", ["since": .string(cursor), "limit": 37, "entities": ["company"]])
            let items = page["items"]?.arrayValue ?? []
            seen += items.compactMap { $0["seq"]?.int64Value }
            let next = page["nextCursor"]?.stringValue ?? ""
            if items.isEmpty {
                #expect(next == cursor, "nothing new: the same cursor comes back")
                break
            }
            cursor = next
        }
        #expect(seen.count == 155 && Set(seen).count == 155 && seen == seen.sorted(), "each change once, in seq order")
        let tombstones =
            try c.call("changes.list", ["limit": 1000])["items"]?.arrayValue?.filter { $0["op"] == "deleted" } ?? []
        #expect(tombstones.count == 5 && tombstones.allSatisfy { $0["action"] == "companies.archive" })
        let withRecords = try c.call("changes.list", ["limit": 1, "includeRecords": true])["items"]?.arrayValue?.first
        #expect(
            withRecords?["record"]?["id"] == withRecords?["id"] && withRecords?["record"]?["version"] == 3,
            "the record as it is now")
    }

    @Test func theFeedShowsEachRoleOnlyWhatItMaySee() throws {
        let server = try Harness.inProcess.start()
        defer { server.stop() }
        let admin = try server.connect()
        let mine = try admin.call("companies.create", ["name": "Своя"])["id"]!
        let other = try admin.call("companies.create", ["name": "Чужая"])["id"]!
        let curator = try admin.call("staff.create", ["name": "Анна", "email": "a@c.example.ru"])["id"]!
        _ = try admin.call(
            "requests.submit", ["companyId": mine, "service": "legal", "channel": "email", "subject": "Своя заявка"])
        _ = try admin.call(
            "requests.submit", ["companyId": other, "service": "legal", "channel": "email", "subject": "Чужая заявка"])
        _ = curator
        func connect(_ params: JSONValue) throws -> RPCConnection {
            let issued = try admin.call("tokens.create", params)
            let c = try server.connect()
            _ = try c.call("session.authenticate", ["token": issued["secret"]!])
            return c
        }
        let company = try connect(["role": "company", "label": "HR", "companyId": mine])
        let viewer = try connect(["role": "viewer", "label": "auditor"])
        let institution = try connect([
            "role": "institution", "label": "college", "institutionId": "in_01JD5X8Q3W4E5R6T7Y8V9K0P1A",
        ])

        let ownFeed =
            try company.call("changes.list", ["limit": 1000, "includeRecords": true])["items"]?.arrayValue ?? []
        #expect(Set(ownFeed.compactMap { $0["entity"]?.stringValue }) == ["company", "request"])
        #expect(
            ownFeed.allSatisfy { $0["id"] == mine || $0["record"]?["companyId"] == mine },
            "only its own company and requests")
        #expect(ownFeed.allSatisfy { $0["actor"] == nil }, "actors are for admin and staff")
        let viewerFeed = try viewer.call("changes.list", ["limit": 1000])["items"]?.arrayValue ?? []
        #expect(!viewerFeed.contains { $0["entity"] == "token" } && viewerFeed.count >= 5)
        #expect(try institution.call("changes.list", ["limit": 1000])["items"]?.arrayValue?.isEmpty == true)
        let adminFeed = try admin.call("changes.list", ["limit": 1000])["items"]?.arrayValue ?? []
        #expect(adminFeed.contains { $0["entity"] == "token" } && adminFeed.allSatisfy { $0["actor"] != nil })
    }
}
