import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Support
import Testing

struct EventTests {
    func event(
        _ f: CompanyFixture, capacity: Int64 = 2, deadline: String = "2099-01-01", open: Bool = true
    ) async throws -> String {
        let id = try await f.write("events.create") {
            try EventRepository.create(
                $0,
                fields: [
                    "kind": "exhibition", "title": "Arab Health", "country": "AE", "city": "Дубай",
                    "startsOn": "2099-01-27", "endsOn": "2099-01-30", "applicationDeadline": .string(deadline),
                    "capacity": .number(.int(capacity)), "sectors": ["медицина"],
                ])
        }["id"]!.stringValue!
        if open {
            _ = try await f.write("events.open") {
                try EventRepository.transition($0, verb: "open", id: id, expectedVersion: nil)
            }
        }
        return id
    }
    func apply(_ f: CompanyFixture, _ eventID: String, _ name: String) async throws -> String {
        let company = try await f.create(["name": .string(name)])["id"]!.stringValue!
        return try await f.write("participations.apply") {
            try ParticipationRepository.apply($0, fields: ["eventId": .string(eventID), "companyId": .string(company)])
        }["id"]!.stringValue!
    }
    /// A participation verb; `params` are the verb's own (`attended` for markAttendance, `results` …).
    func verb(
        _ f: CompanyFixture, _ v: String, _ id: String,
        _ params: @escaping @Sendable (inout JSONObject) -> Void = { _ in }
    ) async throws -> JSONValue {
        var given = JSONObject()
        params(&given)
        let attended = given["attended"]?.boolValue ?? true
        given["attended"] = nil
        let changes = given
        return try await f.write("participations.\(v)") { ctx in
            v == "approve"
                ? try ParticipationRepository.approve(ctx, id: id, orWaitlist: false, expectedVersion: nil)
                : try ParticipationRepository.transition(ctx, verb: v, id: id, expectedVersion: nil, attended: attended)
                { record in
                    var json = record.json.objectValue ?? [:]
                    for (k, value) in changes { json[k] = value }
                    record = try TypedRecords.decode(Records.Participation.self, json)
                }
        }
    }
    func status(_ f: CompanyFixture, _ id: String) async throws -> String {
        try await f.store.read { db in try ParticipationRepository.records.get(db, id: id)["status"]?.stringValue ?? ""
        }
    }

    @Test func eventVerbsFollowTheLifecycleTable() async throws {
        for (start, path) in [
            ("draft", [String]()), ("open", ["open"]), ("closed", ["open", "close"]),
            ("completed", ["open", "close", "complete"]), ("cancelled", ["cancel"]),
        ] {
            for v in ["open", "close", "complete", "cancel"] {
                let f = try CompanyFixture()
                let id = try await event(f, open: false)
                for step in path {
                    _ = try await f.write("events.\(step)") {
                        try EventRepository.transition($0, verb: step, id: id, expectedVersion: nil)
                    }
                }
                let expected = Lifecycle.event.transitions[v]?[start]
                let result = await rpcError {
                    try await f.write("events.\(v)") {
                        try EventRepository.transition($0, verb: v, id: id, expectedVersion: nil)
                    }
                }
                if expected == nil {
                    #expect(
                        result?.reason == "INVALID_TRANSITION" && result?.data["from"] == .string(start),
                        "\(v) in \(start)")
                    #expect(result?.data["allowed"] == .array(Lifecycle.event.allowed(from: start).map { .string($0) }))
                } else {
                    #expect(result == nil, "\(v) in \(start) should be allowed")
                }
            }
        }
    }

    @Test func datesMustBeConsistent() async throws {
        let f = try CompanyFixture()
        let e = await rpcError {
            try await f.write("events.create") {
                try EventRepository.create(
                    $0,
                    fields: [
                        "kind": "business_mission", "title": "x", "country": "MX", "startsOn": "2099-05-10",
                        "endsOn": "2099-05-01", "applicationDeadline": "2099-06-01",
                    ])
            }
        }
        #expect(e?.code == -32602)
        #expect(
            Set((e?.data["errors"]?.arrayValue ?? []).compactMap { $0["instancePath"]?.stringValue }) == [
                "/endsOn", "/applicationDeadline",
            ])
    }

    @Test(
        "CAPACITY_EXCEEDED and CAPACITY_BELOW_TAKEN: approvals stop at the capacity, waitlist, and promote in one transaction"
    )
    func capacityWaitlistAndPromotionInOneTransaction() async throws {
        let f = try CompanyFixture()
        let ev = try await event(f, capacity: 2)
        let a = try await apply(f, ev, "A")
        let b = try await apply(f, ev, "B")
        let c = try await apply(f, ev, "C")
        let d = try await apply(f, ev, "D")
        _ = try await verb(f, "approve", a)
        _ = try await verb(f, "approve", b)
        let full = await rpcError { try await verb(f, "approve", c) }
        #expect(full?.reason == "CAPACITY_EXCEEDED" && full?.data["capacity"] == 2 && full?.data["taken"] == 2)
        let waitlisted = try await f.write("participations.approve") {
            try ParticipationRepository.approve($0, id: c, orWaitlist: true, expectedVersion: nil)
        }
        #expect(waitlisted["status"] == "waitlisted")
        _ = try await verb(f, "waitlist", d)
        let lower = await rpcError {
            try await f.write("events.update") {
                try EventRepository.update($0, id: ev, patch: ["capacity": 1], expectedVersion: nil)
            }
        }
        #expect(lower?.reason == "RULE_VIOLATION" && lower?.data["rule"] == "CAPACITY_BELOW_TAKEN")
        _ = try await verb(f, "withdraw", a)
        #expect(try await status(f, c) == "approved", "the earliest waitlisted is promoted")
        #expect(try await status(f, d) == "waitlisted")
        let history = try await f.store.read { db in try ChangeLog.history(db, id: c) }
        #expect(
            history.last?.action == "participations.withdraw",
            "the promotion is in the change log, caused by the withdrawal")
    }

    @Test("DEADLINE_PASSED and DUPLICATE: applying needs an open event before its deadline, once per company")
    func applyingNeedsAnOpenEventBeforeItsDeadlineOncePerCompany() async throws {
        let f = try CompanyFixture()
        let draft = try await event(f, open: false)
        let notOpen = await rpcError { try await apply(f, draft, "A") }
        #expect(notOpen?.reason == "INVALID_TRANSITION" && notOpen?.data["from"] == "draft")
        let late = try await event(f, deadline: "2000-01-01")
        let passed = await rpcError { try await apply(f, late, "B") }
        #expect(passed?.reason == "RULE_VIOLATION" && passed?.data["rule"] == "DEADLINE_PASSED")
        let ev = try await event(f)
        let company = try await f.create(["name": "C"])["id"]!.stringValue!
        let first = try await f.write("participations.apply") {
            try ParticipationRepository.apply($0, fields: ["eventId": .string(ev), "companyId": .string(company)])
        }
        let dup = await rpcError {
            try await f.write("participations.apply") {
                try ParticipationRepository.apply($0, fields: ["eventId": .string(ev), "companyId": .string(company)])
            }
        }
        #expect(dup?.reason == "DUPLICATE" && dup?.data["existingId"] == first["id"])
    }

    @Test func cancellingAnEventCancelsItsLiveParticipations() async throws {
        let f = try CompanyFixture()
        let ev = try await event(f, capacity: 1)
        let a = try await apply(f, ev, "A")
        let b = try await apply(f, ev, "B")
        let c = try await apply(f, ev, "C")
        _ = try await verb(f, "approve", a)
        _ = try await verb(f, "waitlist", b)
        _ = try await verb(f, "reject", c) { $0["decisionReason"] = "не профиль" }
        _ = try await f.write("events.cancel") {
            try EventRepository.transition($0, verb: "cancel", id: ev, expectedVersion: nil)
        }
        let statusA = try await status(f, a)
        let statusB = try await status(f, b)
        #expect(statusA == "cancelled" && statusB == "cancelled")
        #expect(try await status(f, c) == "rejected", "decided applications keep their outcome")
    }

    @Test func attendanceAfterClosingAndResultsAfterCompletion() async throws {
        let f = try CompanyFixture()
        let ev = try await event(f)
        let a = try await apply(f, ev, "A")
        let b = try await apply(f, ev, "B")
        _ = try await verb(f, "approve", a)
        _ = try await verb(f, "approve", b)
        let early = await rpcError { try await verb(f, "markAttendance", a) { $0["attended"] = true } }
        #expect(early?.reason == "INVALID_TRANSITION")
        _ = try await f.write("events.close") {
            try EventRepository.transition($0, verb: "close", id: ev, expectedVersion: nil)
        }
        #expect(try await verb(f, "markAttendance", a) { $0["attended"] = true }["status"] == "attended")
        #expect(try await verb(f, "markAttendance", b) { $0["attended"] = false }["status"] == "no_show")
        let tooSoon = await rpcError { try await verb(f, "recordResults", a) { $0["results"] = ["meetings": 3] } }
        #expect(tooSoon?.reason == "INVALID_TRANSITION")
        _ = try await f.write("events.complete") {
            try EventRepository.transition($0, verb: "complete", id: ev, expectedVersion: nil)
        }
        let done = try await verb(f, "recordResults", a) { $0["results"] = ["meetings": 3, "contractsSigned": 1] }
        #expect(done["results"]?["contractsSigned"] == 1 && done["status"] == "attended")
        let noShow = await rpcError { try await verb(f, "recordResults", b) { $0["results"] = ["meetings": 1] } }
        #expect(noShow?.reason == "INVALID_TRANSITION" && noShow?.data["from"] == "no_show")
    }

    @Test func listsFilterAndPage() async throws {
        let f = try CompanyFixture()
        let ev = try await event(f)
        _ = try await f.write("events.create") {
            try EventRepository.create(
                $0,
                fields: [
                    "kind": "business_mission", "title": "Миссия в Мехико", "country": "MX", "startsOn": "2099-03-01",
                    "endsOn": "2099-03-05",
                ])
        }
        func titles(_ params: JSONValue) async throws -> [String] {
            try await f.store.read { db in
                try EventRepository.list(db, try TypedRecords.params(Params.EventsList.self, params.objectValue ?? [:]))
            }["items"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
        }
        #expect(try await titles([:]) == ["Arab Health", "Миссия в Мехико"], "by start date")
        #expect(try await titles(["filter": ["country": "MX"]]) == ["Миссия в Мехико"])
        #expect(
            try await titles(["filter": ["from": "2099-01-29", "to": "2099-02-01"]]) == ["Arab Health"],
            "overlapping the period")
        #expect(try await titles(["filter": ["sector": "медицина"]]) == ["Arab Health"])
        #expect(try await titles(["filter": ["q": "МЕХИК"]]) == ["Миссия в Мехико"])
        _ = try await apply(f, ev, "A")
        let page = try await f.store.read { db in
            try ParticipationRepository.list(
                db,
                try TypedRecords.params(
                    Params.ParticipationsList.self, ["filter": ["eventId": .string(ev)], "includeTotal": true]),
                onlyCompany: nil)
        }
        #expect(page["total"] == 1)
    }
}

extension EventTests {
    @Test func participationVerbsFollowTheLifecycleTable() async throws {
        // How to reach each state from `applied` (the event is closed before attendance, completed before results).
        let reach: [String: [String]] = [
            "applied": [], "approved": ["approve"], "waitlisted": ["waitlist"], "rejected": ["reject"],
            "withdrawn": ["withdraw"], "attended": ["approve", "close", "attend"],
            "no_show": ["approve", "close", "noshow"],
        ]
        for (state, path) in reach {
            for v in ["approve", "waitlist", "reject", "withdraw", "markAttendance"] {
                let f = try CompanyFixture()
                let ev = try await event(f, capacity: 5)
                let p = try await apply(f, ev, "A")
                for step in path {
                    switch step {
                    case "close":
                        _ = try await f.write("events.close") {
                            try EventRepository.transition($0, verb: "close", id: ev, expectedVersion: nil)
                        }
                    case "attend": _ = try await verb(f, "markAttendance", p) { $0["attended"] = true }
                    case "noshow": _ = try await verb(f, "markAttendance", p) { $0["attended"] = false }
                    default: _ = try await verb(f, step, p)
                    }
                }
                if v == "markAttendance" && state != "attended" && state != "no_show" {
                    _ = try? await f.write("events.close") {
                        try EventRepository.transition($0, verb: "close", id: ev, expectedVersion: nil)
                    }
                }
                #expect(try await status(f, p) == state)
                let error = await rpcError { try await verb(f, v, p) { $0["attended"] = true } }
                let allowed = Lifecycle.participation.transitions[v]?[state] != nil
                if allowed {
                    #expect(error == nil, "\(v) in \(state) should be allowed: \(String(describing: error))")
                } else {
                    #expect(
                        error?.reason == "INVALID_TRANSITION" && error?.data["from"] == .string(state),
                        "\(v) in \(state)")
                }
            }
        }
    }
}
