import Dispatch
import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import Support
import Synchronization
import TestSupport
import Testing

/// The internship programme over the wire: a college's system pushing students and placements, a host
/// confirming, both pulling or being pushed the changes they may see (SPEC §6, §7, §8).
struct PartnerSyncTests {
    /// A running server with a college (agreement for 2027), a host company with an open offer, and tokens.
    struct Programme {
        let server: ServerProcess
        let admin: RPCConnection
        let college: JSONValue
        let company: JSONValue
        let offer: JSONValue

        init(slots: Int = 1000, arguments: [String] = []) throws {
            server = try ServerProcess(arguments: arguments)
            admin = try server.connect()
            college = try admin.call("institutions.create", ["name": "Колледж автоматизации № 7", "kind": "college"])[
                "id"]!
            _ = try admin.call(
                "agreements.create",
                ["institutionId": college, "number": "7/2027", "validFrom": "2027-01-01", "validTo": "2027-12-31"])
            company = try admin.call("companies.create", ["name": "ООО «Технополис-Экспорт»"])["id"]!
            offer = try admin.call(
                "offers.create",
                [
                    "companyId": company, "title": "Наладчик", "specialties": ["15.02.10"],
                    "startsOn": "2027-02-01", "endsOn": "2027-05-31", "slots": .number(.int(Int64(slots))),
                ])["id"]!
            _ = try admin.call("offers.open", ["id": offer])
        }

        func connect(as params: JSONValue) throws -> RPCConnection {
            let issued = try admin.call("tokens.create", params)
            let c = try server.connect()
            _ = try c.call("session.authenticate", ["token": issued["secret"]!])
            return c
        }

        /// sync.push items for students; `institution` names it in each item's data (an institution token may
        /// leave it out, staff must give it).
        func students(_ range: Range<Int>, system: String = "college-sis", institution: JSONValue? = nil) -> [JSONValue]
        {
            range.map { i in
                var data: JSONObject = [
                    "fullName": .string("Студент \(i)"), "specialty": "15.02.10", "course": 3,
                    "email": .string("s\(i)@college.example.ru"),
                ]
                if let institution { data["institutionId"] = institution }
                return [
                    "entity": "student", "externalRef": ["system": .string(system), "id": .string("S-\(i)")],
                    "data": .object(data),
                ]
            }
        }
    }

    @Test func aPartnerRoundTripSeesEveryChangeExactlyOnce() throws {
        let p = try Programme()
        defer { p.server.stop() }
        let sis = try p.connect(as: ["role": "institution", "label": "college SIS", "institutionId": p.college])
        // 500 students and a placement for each, pushed in one call; placements name students by externalRef.
        var items = p.students(0..<500)
        for i in 0..<500 {
            let week = i % 10
            items.append([
                "entity": "placement", "externalRef": ["system": "college-sis", "id": .string("P-\(i)")],
                "data": [
                    "studentRef": ["system": "college-sis", "id": .string("S-\(i)")], "offerId": p.offer,
                    "startsOn": .string("2027-03-\(String(format: "%02d", week + 1))"), "endsOn": "2027-04-30",
                ],
            ])
        }
        let pushed = try sis.call("sync.push", ["items": .array(items)], timeout: 120)["results"]?.arrayValue ?? []
        #expect(pushed.count == 1000 && pushed.allSatisfy { $0["outcome"] == "created" })
        #expect(
            pushed.enumerated().allSatisfy { $0.element["index"] == .number(.int(Int64($0.offset))) },
            "results in item order")
        let again = try sis.call("sync.push", ["items": .array(items)], timeout: 120)["results"]?.arrayValue ?? []
        #expect(again.allSatisfy { $0["outcome"] == "unchanged" }, "a second push changes nothing")

        // Pull the feed from the start in pages of 37: every student and placement change exactly once.
        var seen: [(Int64, String, String)] = []
        var cursor = "0"
        while true {
            let page = try sis.call("changes.list", ["since": .string(cursor), "limit": 37])
            let got = page["items"]?.arrayValue ?? []
            seen += got.map { ($0["seq"]!.int64Value!, $0["entity"]!.stringValue!, $0["id"]!.stringValue!) }
            if got.isEmpty {
                #expect(page["nextCursor"]?.stringValue == cursor)
                break
            }
            cursor = page["nextCursor"]!.stringValue!
        }
        let seqs = seen.map(\.0)
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "in seq order, none twice")
        let synced = Set(seen.filter { $0.1 == "student" || $0.1 == "placement" }.map(\.2))
        #expect(synced == Set(pushed.compactMap { $0["id"]?.stringValue }), "exactly the pushed records")
        #expect(seen.filter { $0.1 == "student" || $0.1 == "placement" }.count == 1000)
        #expect(!seen.contains { $0.1 == "company" || $0.1 == "token" }, "nothing the college may not see")

        // The host confirms one; the college's next poll sees exactly that change.
        let host = try p.connect(as: ["role": "company", "label": "host", "companyId": p.company])
        let placement = pushed[500]["id"]!
        _ = try host.call("placements.confirm", ["id": placement])
        let next = try sis.call("changes.list", ["since": .string(cursor)])["items"]?.arrayValue ?? []
        #expect(next.count == 1 && next.first?["id"] == placement && next.first?["action"] == "placements.confirm")
        // The host knows the student by name, specialty and institution only.
        let student = try host.call("students.get", ["id": pushed[0]["id"]!])
        #expect(student.objectValue.map { Set($0.keys) } == ["id", "fullName", "specialty", "institutionId"])
        #expect((try? host.call("students.get", ["id": pushed[1]["id"]!])) != nil, "proposed at its offer")
        let hostFeed =
            try host.call("changes.list", ["limit": 1000, "entities": ["student"], "includeRecords": true])["items"]?
            .arrayValue ?? []
        #expect(
            hostFeed.count == 500
                && hostFeed.allSatisfy { $0["record"]?["email"] == nil && $0["record"]?["fullName"] != nil })
    }

    @Test func syncPushReportsEachItemOrFailsWhole() throws {
        let p = try Programme()
        defer { p.server.stop() }
        var items = p.students(0..<3, institution: p.college)
        items[1] = [
            "entity": "student", "externalRef": ["system": "college-sis", "id": "bad"],
            "data": ["institutionId": p.college, "fullName": "", "course": 9],
        ]
        items.append([
            "entity": "placement", "externalRef": ["system": "college-sis", "id": "P-0"],
            "data": [
                "studentRef": ["system": "college-sis", "id": "S-0"], "offerId": p.offer, "startsOn": "2027-01-10",
                "endsOn": "2027-02-10",
            ],
        ])
        // Atomic: the first bad item is the call's error, with its index, and nothing is applied.
        do {
            _ = try p.admin.call("sync.push", ["items": .array(items), "atomic": true])
            Issue.record("an atomic push with a bad item must fail")
        } catch let e as RPCError {
            #expect(e.code == -32602 && e.data["index"] == 1)
            let paths = Set((e.data["errors"]?.arrayValue ?? []).compactMap { $0["instancePath"]?.stringValue })
            #expect(paths.isSuperset(of: ["/items/1/data/fullName", "/items/1/data/course"]), "\(paths)")
        }
        #expect(try p.admin.call("students.list", ["includeTotal": true])["total"] == 0)
        var ruleOnly = items
        ruleOnly.remove(at: 1)
        do {
            _ = try p.admin.call("sync.push", ["items": .array(ruleOnly), "atomic": true])
            Issue.record("an atomic push with a rule violation must fail")
        } catch let e as RPCError {
            #expect(e.reason == "RULE_VIOLATION" && e.data["rule"] == "PERIOD_OUTSIDE_OFFER" && e.data["index"] == 2)
        }
        #expect(
            try p.admin.call("students.list", ["includeTotal": true])["total"] == 0,
            "the students before the failure were rolled back")
        // Not atomic: each item stands alone.
        let results = try p.admin.call("sync.push", ["items": .array(items)])["results"]?.arrayValue ?? []
        #expect(
            results.map { $0["outcome"]?.stringValue ?? $0["error"]?["data"]?["reason"]?.stringValue } == [
                "created", "INVALID_PARAMS", "created", "RULE_VIOLATION",
            ])
        #expect(
            results[3]["error"]?["data"]?["rule"] == "PERIOD_OUTSIDE_OFFER"
                && results[3]["error"]?["data"]?["offerStartsOn"] == "2027-02-01")
        #expect(try p.admin.call("students.list", ["includeTotal": true])["total"] == 2)
        #expect(try p.admin.call("placements.list", ["includeTotal": true])["total"] == 0)
        // Progress: $/progress notifications for the token, all before the answer, ending at done == total.
        let watcher = try p.server.connect()
        let many = p.students(100..<350, institution: p.college)
        _ = try watcher.call("sync.push", ["items": .array(many), "progressToken": "push-1"])
        let progress = watcher.notifications.filter {
            $0["method"] == "$/progress" && $0["params"]?["token"] == "push-1"
        }
        #expect(progress.count >= 3, "\(progress.count) progress notifications")
        #expect(
            progress.last?["params"]?["value"]?["done"] == 250 && progress.last?["params"]?["value"]?["total"] == 250)
        let dones = progress.compactMap { $0["params"]?["value"]?["done"]?.int64Value }
        #expect(dones == dones.sorted(), "in order")
    }

    @Test func concurrentProposalsAndConfirmationsKeepTheRules() throws {
        let p = try Programme(slots: 3)
        defer { p.server.stop() }
        let one = try p.admin.call(
            "students.create", ["institutionId": p.college, "fullName": "Один", "specialty": "x", "course": 1])["id"]!
        var others: [JSONValue] = []
        for i in 0..<10 {
            others.append(
                try p.admin.call(
                    "students.create",
                    ["institutionId": p.college, "fullName": .string("С\(i)"), "specialty": "x", "course": 1])["id"]!)
        }
        let server = p.server
        let offer = p.offer
        // Ten overlapping proposals for one student at once: exactly one is accepted.
        let proposals = race(server, 10) { i, c in
            _ = try c.call(
                "placements.propose",
                [
                    "studentId": one, "offerId": offer, "startsOn": .string("2027-03-0\(i % 9 + 1)"),
                    "endsOn": "2027-03-20",
                ])
        }
        #expect(proposals.sorted() == ["PERIOD_OVERLAP"] * 9 + ["ok"])
        // Ten proposals confirmed at once against 3 slots: exactly 3 confirmed.
        let ids = try others.map {
            try p.admin.call("placements.propose", ["studentId": $0, "offerId": p.offer])["id"]!
        }
        let confirmations = race(server, 10) { i, c in _ = try c.call("placements.confirm", ["id": ids[i]]) }
        #expect(confirmations.sorted() == ["CAPACITY_EXCEEDED"] * 7 + ["ok"] * 3)
        #expect(
            try p.admin.call("placements.list", ["filter": ["status": "confirmed"], "includeTotal": true])["total"] == 3
        )
    }

    @Test func aSubscriberReceivesChangesMadeOnAnotherConnection() throws {
        let p = try Programme()
        defer { p.server.stop() }
        let other = try p.admin.call("institutions.create", ["name": "Другой колледж", "kind": "college"])["id"]!
        let subscriber = try p.connect(as: ["role": "institution", "label": "college", "institutionId": p.college])
        let sub = try subscriber.call("changes.subscribe", ["entities": ["student", "placement"]])
        let subID = sub["subscriptionId"]!
        let mine = try p.admin.call(
            "students.create", ["institutionId": p.college, "fullName": "Свой", "specialty": "x", "course": 1])["id"]!
        _ = try p.admin.call(
            "students.create", ["institutionId": other, "fullName": "Чужой", "specialty": "x", "course": 1])
        _ = try p.admin.call("companies.create", ["name": "Не его дело"])
        let placement = try p.admin.call("placements.propose", ["studentId": mine, "offerId": p.offer])["id"]!
        let first = try subscriber.readMessage(timeout: 5)
        #expect(first["method"] == "changes.notify" && first["params"]?["subscriptionId"] == subID)
        #expect(
            first["params"]?["change"]?["id"] == mine && first["params"]?["change"]?["op"] == "created"
                && first["params"]?["change"]?["actor"] == nil)
        let second = try subscriber.readMessage(timeout: 5)
        #expect(
            second["params"]?["change"]?["id"] == placement,
            "the other college's student is not shown; the placement is")
        #expect(
            (second["params"]?["change"]?["seq"]?.int64Value ?? 0)
                > (first["params"]?["change"]?["seq"]?.int64Value ?? 0))
        #expect(try subscriber.call("changes.unsubscribe", ["subscriptionId": subID])["unsubscribed"] == true)
        _ = try p.admin.call(
            "students.create", ["institutionId": p.college, "fullName": "После", "specialty": "x", "course": 1])
        #expect(try subscriber.call("system.ping")["pong"] == true)
        Thread.sleep(forTimeInterval: 0.3)
        _ = try subscriber.call("system.ping")
        #expect(subscriber.notifications.isEmpty, "nothing after unsubscribing")
        // Over stdio too.
        let stdioServer = try ServerProcess(socket: false, stdio: true)
        defer { stdioServer.stop() }
        let stdio = stdioServer.stdioConnection(framing: .contentLength)
        _ = try stdio.call("changes.subscribe", [:])
        let created = try stdio.call("companies.create", ["name": "Через stdio"])["id"]!
        let note = try stdio.notifications.first ?? stdio.readMessage(timeout: 5)
        #expect(note["method"] == "changes.notify" && note["params"]?["change"]?["id"] == created)
    }
}

/// Runs `body` on `n` threads at once, each with its own connection; "ok", the rule broken, or the reason.
private func race(
    _ server: ServerProcess, _ n: Int, _ body: @escaping @Sendable (Int, RPCConnection) throws -> Void
) -> [String] {
    let outcomes = Mutex<[String]>([])
    let connections = (0..<n).compactMap { _ in try? server.connect() }
    let ready = DispatchSemaphore(value: 0)
    let go = DispatchSemaphore(value: 0)
    for (i, connection) in connections.enumerated() {
        nonisolated(unsafe) let c = connection
        Thread {
            ready.signal()
            go.wait()
            let r: String
            do {
                try body(i, c)
                r = "ok"
            } catch let e as RPCError { r = e.data["rule"]?.stringValue ?? e.reason } catch { r = "\(error)" }
            outcomes.withLock { $0.append(r) }
        }.start()
    }
    for _ in connections { ready.wait() }
    for _ in connections { go.signal() }
    let deadline = MonotonicClock.now + 30
    while outcomes.withLock({ $0.count }) < connections.count && MonotonicClock.now < deadline { usleep(5_000) }
    return outcomes.withLock { $0 }
}

private func * (lhs: [String], rhs: Int) -> [String] { Array(repeating: lhs, count: rhs).flatMap { $0 } }
