import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Support
import Testing

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
