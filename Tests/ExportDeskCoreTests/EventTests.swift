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
                    var json = try TypedRecords.encode(record)
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

extension EventTests {
    /// A hand-counted programme: 2 events in 2099 (one cancelled) and 1 in 2100; 4 companies; 3 requests.
    @Test func reportsOfAnEmptyProgrammeHaveNoPeriod() async throws {
        let f = try CompanyFixture()
        let s = try await f.store.read { db in try Reports.summary(db, params: [:]) }
        #expect(s["period"] == ["from": .null, "to": .null], "no data, no dates (never 0000-01-01..9999-12-31)")
    }

    @Test func reportsCountFromTheDataAsCountedByHand() async throws {
        let f = try CompanyFixture()
        let riyadh = try await event(f, capacity: 3)  // exhibition, AE, 2099-01-27
        let mexico = try await f.write("events.create") {
            try EventRepository.create(
                $0,
                fields: [
                    "kind": "business_mission", "title": "Мехико", "country": "MX", "startsOn": "2099-06-01",
                    "endsOn": "2099-06-03", "capacity": 5,
                ])
        }["id"]!.stringValue!
        _ = try await f.write("events.open") {
            try EventRepository.transition($0, verb: "open", id: mexico, expectedVersion: nil)
        }
        let cancelled = try await event(f)
        _ = try await f.write("events.cancel") {
            try EventRepository.transition($0, verb: "cancel", id: cancelled, expectedVersion: nil)
        }
        let later = try await f.write("events.create") {
            try EventRepository.create(
                $0,
                fields: [
                    "kind": "exhibition", "title": "Canton 2100", "country": "CN", "startsOn": "2100-04-15",
                    "endsOn": "2100-04-19",
                ])
        }["id"]!.stringValue!
        _ = later
        let a = try await apply(f, riyadh, "A")
        let b = try await apply(f, riyadh, "B")
        let c = try await apply(f, riyadh, "C")
        let m = try await apply(f, mexico, "D")
        _ = try await verb(f, "approve", a)
        _ = try await verb(f, "approve", b)
        _ = try await verb(f, "waitlist", c)
        _ = try await verb(f, "approve", m)
        for e in [riyadh, mexico] {
            _ = try await f.write("events.close") {
                try EventRepository.transition($0, verb: "close", id: e, expectedVersion: nil)
            }
        }
        _ = try await verb(f, "markAttendance", a) { $0["attended"] = true }
        _ = try await verb(f, "markAttendance", b) { $0["attended"] = false }
        _ = try await verb(f, "markAttendance", m) { $0["attended"] = true }
        for e in [riyadh, mexico] {
            _ = try await f.write("events.complete") {
                try EventRepository.transition($0, verb: "complete", id: e, expectedVersion: nil)
            }
        }
        _ = try await verb(f, "recordResults", a) {
            $0["results"] = ["contractsSigned": 2, "contractsValue": ["amount": "1000000.50", "currency": "USD"]]
        }
        _ = try await verb(f, "recordResults", m) {
            $0["results"] = ["contractsSigned": 1, "contractsValue": ["amount": "250000.75", "currency": "USD"]]
        }
        let company = try await f.create(["name": "E"])["id"]!.stringValue!
        let curator = try await f.write("staff.create") {
            try StaffRepository.create($0, fields: ["name": "Анна", "email": "a@c.example.ru"])
        }["id"]!.stringValue!
        for subject in ["Один", "Два", "Три"] {
            _ = try await f.write("requests.submit") {
                try RequestRepository.submit(
                    $0,
                    fields: [
                        "companyId": .string(company), "service": "legal", "channel": "email",
                        "subject": .string(subject),
                    ])
            }
        }
        let firstRequest = try await f.store.read { db in
            try RequestRepository.list(
                db, try TypedRecords.params(Params.RequestsList.self, ["sort": "createdAt", "limit": 1]),
                onlyCompany: nil)
        }["items"]!.arrayValue![0]["id"]!.stringValue!
        _ = try await f.write("requests.assign") {
            try RequestRepository.assign($0, id: firstRequest, curatorID: curator, expectedVersion: nil)
        }
        _ = try await f.write("requests.start") {
            try RequestRepository.transition($0, verb: "start", id: firstRequest, expectedVersion: nil)
        }
        _ = try await f.write("requests.resolve") {
            try RequestRepository.transition($0, verb: "resolve", id: firstRequest, expectedVersion: nil) {
                $0.resolution = "готово"
            }
        }

        let s = try await f.store.read { db in
            try Reports.summary(db, params: ["from": "2099-01-01", "to": "2099-12-31"])
        }
        #expect(s["events"]?["total"] == 2, "the cancelled one is left out, the 2100 one is outside")
        #expect(s["events"]?["byKind"] == ["exhibition": 1, "business_mission": 1])
        #expect(s["events"]?["byCountry"] == ["AE": 1, "MX": 1])
        #expect(s["participations"]?["byStatus"] == ["attended": 2, "no_show": 1, "waitlisted": 1])
        #expect(s["contracts"]?["signed"] == 3)
        #expect(s["contracts"]?["value"] == [["currency": "USD", "amount": "1250001.25"]], "exact decimal sum")
        #expect(s["companiesServed"] == 4, "A, B, C, D; E's requests are not in 2099")
        #expect(s["requests"]?["total"] == 0)
        let now = try await f.store.read { db in try Reports.summary(db, params: [:]) }
        #expect(
            now["requests"] == [
                "total": 3, "resolved": 1, "rejected": 0, "inWork": 2, "byService": ["legal": 3],
                "byChannel": ["email": 3],
                "resolutionDays": ["count": 1, "median": 0, "p90": 0],
            ], "three legal questions by e-mail, one resolved at once")
        // The by-year series of 2099: the two events held and their three contracts.
        let year = s["byYear"]?.arrayValue
        #expect(
            year?.count == 1 && year?.first?["year"] == 2099 && year?.first?["events"] == 2
                && year?.first?["contractsSigned"] == 3)
        #expect(
            year?.first?["contractsValue"] == [["currency": "USD", "amount": "1250001.25"]]
                && year?.first?["requestsReceived"] == 0)
        let thisYear = now["byYear"]?.arrayValue?.first {
            $0["year"] == .number(.int(Int64(WallClock.today.prefix(4))!))
        }
        #expect(thisYear?["requestsReceived"] == 3 && thisYear?["requestsResolved"] == 1)
        // A period of ten thousand years has rows only for the years the data reaches (this year to 2100).
        let wide = try await f.store.read { db in
            try Reports.summary(db, params: ["from": "0001-01-01", "to": "9999-12-31"])
        }
        #expect(wide["byYear"]?.arrayValue?.count == 2100 - Int(WallClock.today.prefix(4))! + 1)
        // Issue 12 item 12: without a period, the period answered is the range the data covers.
        #expect(
            now["period"] == ["from": .string(WallClock.today), "to": "2100-04-15"],
            "the requests of today to the 2100 fair")
        #expect(s["period"] == ["from": "2099-01-01", "to": "2099-12-31"], "bounds asked for are answered as asked")
        let halfOpen = try await f.store.read { db in try Reports.events(db, params: ["from": "2099-01-01"]) }
        #expect(halfOpen["period"] == ["from": "2099-01-01", "to": "2100-04-15"])
        #expect(now["events"]?["total"] == 3)
        // The report agrees with the list methods for the same events.
        let listed = try await f.store.read { db in
            try ParticipationRepository.list(
                db,
                try TypedRecords.params(
                    Params.ParticipationsList.self,
                    ["filter": ["eventId": .string(riyadh), "status": "attended"], "includeTotal": true]),
                onlyCompany: nil)
        }
        let perEvent = try await f.store.read { db in
            try Reports.events(db, params: ["from": "2099-01-01", "to": "2099-12-31"])
        }
        let riyadhRow = perEvent["items"]?.arrayValue?.first { $0["id"] == .string(riyadh) }
        #expect(riyadhRow?["participations"]?["attended"] == listed["total"])
        #expect(
            riyadhRow?["contractsSigned"] == 2
                && riyadhRow?["contractsValue"] == [["currency": "USD", "amount": "1000000.50"]])
        #expect(
            perEvent["items"]?.arrayValue?.count == 3, "reports.events lists cancelled events too, with their status")
    }
}

extension EventTests {
    @Test func strategiesLifecycleReviseAndProgressFromAttendedParticipations() async throws {
        let f = try CompanyFixture()
        let company = try await f.create(["name": "ООО «Прибор»", "currentMarkets": ["KZ"]])["id"]!.stringValue!
        // Two events in 2099 (an exhibition in AE, a mission in KZ), one in 2100 in CN.
        func held(_ kind: String, _ country: String, _ starts: String, contracts: Int) async throws {
            let ev = try await f.write("events.create") {
                try EventRepository.create(
                    $0,
                    fields: [
                        "kind": .string(kind), "title": "x", "country": .string(country), "startsOn": .string(starts),
                        "endsOn": .string(starts), "capacity": 5,
                    ])
            }["id"]!.stringValue!
            _ = try await f.write("events.open") {
                try EventRepository.transition($0, verb: "open", id: ev, expectedVersion: nil)
            }
            let p = try await f.write("participations.apply") {
                try ParticipationRepository.apply($0, fields: ["eventId": .string(ev), "companyId": .string(company)])
            }["id"]!.stringValue!
            _ = try await verb(f, "approve", p)
            for v in ["close", "complete"] {
                _ = try await f.write("events.\(v)") {
                    try EventRepository.transition($0, verb: v, id: ev, expectedVersion: nil)
                }
            }
            _ = try await f.write("participations.markAttendance") {
                try ParticipationRepository.transition(
                    $0, verb: "markAttendance", id: p, expectedVersion: nil, attended: true)
            }
            _ = try await verb(f, "recordResults", p) {
                $0["results"] = ["contractsSigned": .number(.int(Int64(contracts)))]
            }
        }
        try await held("exhibition", "AE", "2099-03-01", contracts: 2)
        try await held("business_mission", "KZ", "2099-09-01", contracts: 1)
        try await held("exhibition", "CN", "2100-04-15", contracts: 0)
        let bad = await rpcError {
            try await f.write("strategies.create") {
                try StrategyRepository.create(
                    $0,
                    fields: [
                        "companyId": .string(company), "title": "x", "periodStart": 2099, "periodEnd": 2098,
                        "goals": [["metric": "export_revenue", "year": 2101, "target": 1]],
                    ])
            }
        }
        #expect(
            Set((bad?.data["errors"]?.arrayValue ?? []).compactMap { $0["instancePath"]?.stringValue }) == [
                "/periodEnd", "/goals/0/year", "/goals/0/currency",
            ])
        let s = try await f.write("strategies.create") {
            try StrategyRepository.create(
                $0,
                fields: [
                    "companyId": .string(company), "title": "Ближний Восток", "periodStart": 2099, "periodEnd": 2100,
                    "goals": [
                        ["metric": "contracts", "year": 2099, "target": 4],
                        ["metric": "exhibitions", "year": 2099, "target": 1],
                        ["metric": "business_missions", "year": 2099, "target": 2],
                        ["metric": "new_markets", "year": 2099, "target": 1],
                        ["metric": "exhibitions", "year": 2100, "target": 1],
                        ["metric": "export_revenue", "year": 2099, "target": 1_000_000, "currency": "USD"],
                    ],
                    "actions": [
                        ["key": "A1", "title": "Выставка", "status": "done"],
                        ["key": "A2", "title": "Миссия", "status": "in_progress"],
                        ["key": "A3", "title": "Сайт", "status": "dropped"],
                    ],
                ])
        }["id"]!.stringValue!
        _ = try await f.write("strategies.approve") {
            try StrategyRepository.transition($0, verb: "approve", id: s, expectedVersion: nil)
        }
        let locked = await rpcError {
            try await f.write("strategies.update") {
                try StrategyRepository.update($0, id: s, patch: ["title": "y"], expectedVersion: nil)
            }
        }
        #expect(locked?.reason == "INVALID_TRANSITION" && locked?.data["from"] == "approved")
        _ = try await f.write("strategies.recordActual") {
            try StrategyRepository.recordActual(
                $0, id: s, metric: "export_revenue", year: 2099, value: 750000, expectedVersion: nil)
        }
        let progress = try await f.store.read { db in try StrategyRepository.progress(db, id: s) }
        let goals = progress["goals"]?.arrayValue ?? []
        func actual(_ metric: String, _ year: Int64) -> JSONValue? {
            goals.first { $0["metric"] == .string(metric) && $0["year"] == .number(.int(year)) }?["actual"]
        }
        #expect(actual("contracts", 2099) == 3)
        #expect(actual("exhibitions", 2099) == 1 && actual("business_missions", 2099) == 1)
        #expect(actual("new_markets", 2099) == 1, "AE had contracts and was not a current market at approval; KZ was")
        #expect(actual("exhibitions", 2100) == 1, "a participation counts in the year its event starts")
        #expect(actual("export_revenue", 2099) == 750000)
        #expect(goals.first { $0["metric"] == "contracts" }?["percent"] == 75)
        #expect(
            progress["actions"] == [
                "total": 3, "done": 1, "inProgress": 1, "planned": 0, "dropped": 1, "percentDone": 50,
            ])

        let draft = try await f.write("strategies.revise") { try StrategyRepository.revise($0, id: s) }
        #expect(draft["status"] == "draft" && draft["revision"] == 2 && draft["revisionOf"] == .string(s))
        let original = try await f.store.read { db in try StrategyRepository.records.get(db, id: s) }
        #expect(original["status"] == "approved" && original["revision"] == 1, "the approved revision stays intact")
        let again = await rpcError {
            try await f.write("strategies.revise") { try StrategyRepository.revise($0, id: draft["id"]!.stringValue!) }
        }
        #expect(
            again?.reason == "INVALID_TRANSITION"
                && again?.data["allowed"] == ["update", "approve", "archive", "recordActual"])
        let summary = try await f.store.read { db in try Reports.summary(db, params: [:]) }
        #expect(summary["strategies"]?["byStatus"] == ["approved": 1, "draft": 1])
    }
}

extension EventTests {
    @Test func strategyVerbsFollowTheLifecycleTable() async throws {
        let paths: [String: [String]] = [
            "draft": [], "approved": ["approve"], "completed": ["approve", "complete"], "archived": ["archive"],
        ]
        for (state, path) in paths {
            for v in ["update", "approve", "complete", "archive", "revise", "recordActual"] {
                let f = try CompanyFixture()
                let company = try await f.create(["name": "S"])["id"]!.stringValue!
                let s = try await f.write("strategies.create") {
                    try StrategyRepository.create(
                        $0,
                        fields: ["companyId": .string(company), "title": "x", "periodStart": 2099, "periodEnd": 2099])
                }["id"]!.stringValue!
                for step in path {
                    _ = try await f.write("strategies.\(step)") {
                        try StrategyRepository.transition($0, verb: step, id: s, expectedVersion: nil)
                    }
                }
                let error = await rpcError {
                    try await f.write("strategies.\(v)") { ctx in
                        switch v {
                        case "update":
                            return try StrategyRepository.update(
                                ctx, id: s, patch: ["summary": "y"], expectedVersion: nil)
                        case "revise": return try StrategyRepository.revise(ctx, id: s)
                        case "recordActual":
                            return try StrategyRepository.recordActual(
                                ctx, id: s, metric: "export_revenue", year: 2099, value: 1, expectedVersion: nil)
                        default: return try StrategyRepository.transition(ctx, verb: v, id: s, expectedVersion: nil)
                        }
                    }
                }
                let allowed = StrategyRepository.lifecycle.transitions[v]?[state] != nil
                if allowed {
                    #expect(error == nil, "\(v) in \(state): \(String(describing: error))")
                } else {
                    #expect(
                        error?.reason == "INVALID_TRANSITION" && error?.data["from"] == .string(state),
                        "\(v) in \(state)")
                }
            }
        }
    }
}
