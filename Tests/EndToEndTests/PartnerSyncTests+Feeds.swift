import Dispatch
import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import Support
import Synchronization
import TestSupport
import Testing

extension PartnerSyncTests {
    @Test func eachPartnerReadsOnlyItsOwn() throws {
        let p = try Programme()
        defer { p.server.stop() }
        let otherCompany = try p.admin.call("companies.create", ["name": "Другой хост"])["id"]!
        let draft = try p.admin.call(
            "offers.create",
            [
                "companyId": otherCompany, "title": "Черновик", "startsOn": "2027-02-01", "endsOn": "2027-03-01",
                "slots": 1,
            ])["id"]!
        let otherCollege = try p.admin.call("institutions.create", ["name": "Другой колледж", "kind": "college"])["id"]!
        _ = try p.admin.call(
            "agreements.create",
            ["institutionId": otherCollege, "number": "2", "validFrom": "2027-01-01", "validTo": "2027-12-31"])
        let mine = try p.admin.call(
            "students.create", ["institutionId": p.college, "fullName": "Свой", "specialty": "x", "course": 1])["id"]!
        let theirs = try p.admin.call(
            "students.create", ["institutionId": otherCollege, "fullName": "Чужой", "specialty": "x", "course": 1])[
                "id"]!
        let myPlacement = try p.admin.call("placements.propose", ["studentId": mine, "offerId": p.offer])["id"]!
        let theirPlacement = try p.admin.call("placements.propose", ["studentId": theirs, "offerId": p.offer])["id"]!
        let college = try p.connect(as: ["role": "institution", "label": "c", "institutionId": p.college])
        let host = try p.connect(as: ["role": "company", "label": "h", "companyId": otherCompany])
        func reason(_ body: () throws -> JSONValue) -> String? {
            do {
                _ = try body()
                return nil
            } catch let e as RPCError { return e.reason } catch { return "\(error)" }
        }
        // The college: open offers only, its own students and placements, its own report.
        #expect(try college.call("offers.list", ["includeTotal": true])["total"] == 1)
        #expect(reason { try college.call("offers.get", ["id": draft]) } == "NOT_FOUND")
        #expect(
            try college.call("students.list", ["includeTotal": true])["items"]?.arrayValue?.map { $0["id"] } == [mine])
        #expect(reason { try college.call("students.get", ["id": theirs]) } == "NOT_FOUND")
        #expect(try college.call("placements.list", [:])["items"]?.arrayValue?.map { $0["id"] } == [myPlacement])
        #expect(reason { try college.call("placements.get", ["id": theirPlacement]) } == "NOT_FOUND")
        #expect(
            reason { try college.call("placements.confirm", ["id": myPlacement]) } == "FORBIDDEN",
            "confirming is the host's")
        #expect(
            reason {
                try college.call(
                    "students.create", ["institutionId": otherCollege, "fullName": "x", "specialty": "x", "course": 1])
            } == "NOT_FOUND")
        let report = try college.call("reports.internships", [:])
        #expect(
            report["summary"]?["placementsByStatus"] == ["proposed": 1]
                && report["byInstitution"]?.arrayValue?.count == 1)
        // Another host: its own (draft) offer, none of these placements or students.
        #expect(try host.call("offers.list", [:])["items"]?.arrayValue?.map { $0["id"] } == [draft])
        #expect(reason { try host.call("offers.get", ["id": p.offer]) } == "NOT_FOUND")
        #expect(try host.call("placements.list", [:])["items"]?.arrayValue?.isEmpty == true)
        #expect(try host.call("students.list", [:])["items"]?.arrayValue?.isEmpty == true)
        #expect(reason { try host.call("placements.confirm", ["id": myPlacement]) } == "NOT_FOUND")
        #expect(reason { try host.call("offers.update", ["id": p.offer, "patch": ["slots": 3]]) } == "NOT_FOUND")
        #expect(
            reason { try host.call("students.create", ["fullName": "x", "specialty": "x", "course": 1]) } == "FORBIDDEN"
        )
        let created = try host.call(
            "offers.create", ["title": "Своё", "startsOn": "2027-02-01", "endsOn": "2027-03-01", "slots": 2])
        #expect(created["companyId"] == otherCompany, "a host's offer is its own without naming itself")
        #expect(try host.call("reports.internships", [:])["summary"]?["placementsByStatus"] == [:])
        // The college's feed tells it when an offer it could see is closed; a draft never shows.
        let since = try college.call("changes.list", ["limit": 1000])["nextCursor"]!
        _ = try p.admin.call("offers.close", ["id": p.offer])
        _ = try host.call("offers.update", ["id": draft, "patch": ["slots": 2]])
        let news = try college.call("changes.list", ["since": since])["items"]?.arrayValue ?? []
        #expect(news.map { $0["action"] } == ["offers.close"] && news.first?["id"] == p.offer)
    }

    @Test func manySubscribersEachReceiveEveryChangeInOrder() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let writer = try server.connect()
        let subscribers = try (0..<40).map { _ in try server.connect() }
        for s in subscribers { _ = try s.call("changes.subscribe", ["entities": ["company"]]) }
        // Batches of creates, so commits group and the dispatcher fans out many changes at once.
        var made: [JSONValue] = []
        for chunk in 0..<10 {
            let calls: [JSONValue] = (0..<25).map { i in
                ["method": "companies.create", "params": ["name": .string("Подписка \(chunk)-\(i)")]]
            }
            let results = try writer.call("rpc.atomic", ["calls": .array(calls)])["results"]?.arrayValue ?? []
            made += results.compactMap { $0["id"] }
        }
        #expect(made.count == 250, "the writes were made")
        for (n, s) in subscribers.enumerated() {
            var got: [JSONValue] = []
            while got.count < made.count {
                let note = try s.readMessage(timeout: 10)
                if note["method"] == "changes.notify", let id = note["params"]?["change"]?["id"] { got.append(id) }
            }
            #expect(got == made, "subscriber \(n) received every change once, in order")
        }
        // Once: nothing more arrives after the 250th.
        let extra = Result { try subscribers[0].readMessage(timeout: 0.3) }
        #expect((try? extra.get()) == nil, "a change was sent twice")
    }

    /// Every internship verb over the wire; the server checks each result against its schema (--validate-results).
    @Test func everyInternshipVerbAnswersWithItsSchema() throws {
        let p = try Programme(slots: 5)
        defer { p.server.stop() }
        let c = p.admin
        func student(_ name: String) throws -> JSONValue {
            try c.call(
                "students.create",
                [
                    "institutionId": p.college, "fullName": .string(name), "specialty": "15.02.10", "course": 2,
                    "birthDate": "2006-05-01", "email": "s@college.example.ru", "phone": "+7 916 555-12-34",
                ])["id"]!
        }
        let a = try student("А")
        let b = try student("Б")
        let d = try student("В")
        #expect(try c.call("students.update", ["id": a, "patch": ["course": 3, "phone": .null]])["course"] == 3)
        let first = try c.call(
            "placements.propose",
            ["studentId": a, "offerId": p.offer, "startsOn": "2027-02-01", "endsOn": "2027-03-31"])["id"]!
        #expect(
            try c.call("placements.update", ["id": first, "patch": ["endsOn": "2027-04-15"]])["endsOn"] == "2027-04-15")
        _ = try c.call("placements.confirm", ["id": first])
        _ = try c.call("placements.start", ["id": first])
        let done = try c.call(
            "placements.complete",
            ["id": first, "hours": 320, "grade": 5, "feedback": "Отлично", "competencies": ["ЧПУ"]])
        #expect(done["status"] == "completed" && done["completion"]?["grade"] == 5)
        let second = try c.call("placements.propose", ["studentId": b, "offerId": p.offer])["id"]!
        _ = try c.call("placements.confirm", ["id": second])
        _ = try c.call("placements.start", ["id": second])
        #expect(
            try c.call("placements.terminate", ["id": second, "reason": "Нарушение графика"])["termination"]?["reason"]
                == "Нарушение графика")
        let third = try c.call("placements.propose", ["studentId": d, "offerId": p.offer])["id"]!
        #expect(try c.call("placements.cancel", ["id": third, "reason": "Передумал"])["status"] == "cancelled")
        let upserted = try c.call(
            "placements.upsert", ["studentId": d, "offerId": p.offer, "externalRef": ["system": "sis", "id": "P-9"]])
        #expect(upserted["outcome"] == "created")
        #expect(
            try c.call(
                "students.upsert",
                [
                    "institutionId": p.college, "fullName": "Г", "specialty": "x", "course": 1,
                    "externalRef": ["system": "sis", "id": "S-9"],
                ])["outcome"] == "created")
        #expect(
            try c.call(
                "offers.update",
                [
                    "id": p.offer,
                    "patch": ["slots": 6, "mentor": ["name": "Иванова А. С.", "email": "m@host.example.ru"]],
                ])["slots"] == 6)
        #expect(try c.call("offers.close", ["id": p.offer])["status"] == "closed")
        #expect(try c.call("offers.open", ["id": p.offer])["status"] == "open")
        for method in ["offers.list", "students.list", "placements.list"] {
            _ = try c.call(method, ["includeTotal": true])
        }
        _ = try c.call("placements.get", ["id": first])
        _ = try c.call("offers.get", ["id": p.offer])
        _ = try c.call("students.get", ["id": a])
        let report = try c.call("reports.internships", ["from": "2027-01-01", "to": "2027-12-31"])
        #expect(report["completion"] == ["placements": 1, "hours": 320, "averageGrade": 5])
        _ = try c.call("reports.summary", [:])
        _ = try c.call("changes.list", ["limit": 1000, "includeRecords": true])
    }

    @Test func aSubscriptionResumesAfterACursorWithoutGapOrRepeat() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let c = try server.connect()
        for i in 0..<5 { _ = try c.call("companies.create", ["name": .string("До \(i)")]) }
        let cursor = try c.call("changes.list", ["limit": 1000])["nextCursor"]!
        var missed: [JSONValue] = []
        for i in 0..<3 { missed.append(try c.call("companies.create", ["name": .string("Пропущено \(i)")])["id"]!) }
        let watcher = try server.connect()
        let sub = try watcher.call("changes.subscribe", ["since": cursor, "entities": ["company"]])
        #expect(sub["since"] == cursor)
        #expect(
            watcher.notifications.isEmpty, "no notification overtakes the subscribe answer, even with a backlog to send"
        )
        let live = try c.call("companies.create", ["name": "После"])["id"]!
        var got: [JSONValue] = []
        while got.count < 4 { got.append(try watcher.readMessage(timeout: 5)["params"]?["change"]?["id"] ?? .null) }
        #expect(got == missed + [live], "the missed changes first, then live ones, each once")
        // Too far behind (over 10,000 changes): the error names `since` and says to page first.
        let college = try c.call("institutions.create", ["name": "К", "kind": "college"])["id"]!
        for batch in 0..<11 {
            let items: [JSONValue] = (0..<1000).map { i in
                [
                    "entity": "student", "externalRef": ["system": "s", "id": .string("\(batch)-\(i)")],
                    "data": ["institutionId": college, "fullName": "С", "specialty": "x", "course": 1],
                ]
            }
            _ = try c.call("sync.push", ["items": .array(items)], timeout: 60)
        }
        do {
            _ = try watcher.call("changes.subscribe", ["since": "0"])
            Issue.record("a cursor 11,000 changes behind must be refused")
        } catch let e as RPCError {
            #expect(e.code == -32602 && e.data["errors"]?.arrayValue?.first?["instancePath"] == "/since")
        }
    }

    @Test func aRevokedTokenEndsItsSubscription() throws {
        let p = try Programme()
        defer { p.server.stop() }
        let issued = try p.admin.call(
            "tokens.create", ["role": "institution", "label": "c", "institutionId": p.college])
        let c = try p.server.connect()
        _ = try c.call("session.authenticate", ["token": issued["secret"]!])
        _ = try c.call("changes.subscribe", ["entities": ["student"]])
        _ = try p.admin.call(
            "students.create", ["institutionId": p.college, "fullName": "До", "specialty": "x", "course": 1])
        #expect(try c.readMessage(timeout: 5)["params"]?["change"]?["entity"] == "student")
        _ = try p.admin.call("tokens.revoke", ["id": issued["token"]!["id"]!])
        _ = try p.admin.call(
            "students.create", ["institutionId": p.college, "fullName": "После", "specialty": "x", "course": 1])
        #expect(throws: (any Error).self, "nothing more is pushed to a revoked token") { try c.readMessage(timeout: 1) }
        #expect(p.server.stderrEventuallyContains("no longer valid"))
    }

    @Test func aSlowSubscriberIsCutOffWhileOthersAreServed() throws {
        let p = try Programme()
        defer { p.server.stop() }
        let slow = try p.server.connect()
        _ = try slow.call("changes.subscribe", ["entities": ["student"]])
        // The slow subscriber never reads again. 15,000 changes are made while another client keeps pinging.
        let writer = try p.server.connect()
        let pinger = try p.server.connect()
        var worst = 0.0
        for batch in 0..<15 {
            let items = p.students(batch * 1000..<(batch + 1) * 1000, institution: p.college)
            _ = try writer.call("sync.push", ["items": .array(items)], timeout: 120)
            let t0 = MonotonicClock.now
            #expect(try pinger.call("system.ping")["pong"] == true)
            worst = max(worst, MonotonicClock.now - t0)
        }
        #expect(worst < 1.0, "others are served promptly (worst ping \(worst) s)")
        #expect(p.server.stderrEventuallyContains("cut off", timeout: 10))
        #expect(slow.waitForClose(timeout: 10), "the slow subscriber's connection is closed")
        #expect(try pinger.call("system.info")["connections"] != nil)
    }
}
