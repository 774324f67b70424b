import ExportDeskCore
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Testing

/// reports.requests, reminders.list and the working-day rule, against hand-counted fixtures.
struct WorkloadTests {
    static func at(_ timestamp: String) -> Int64 { Timestamps.millis(fromRFC3339: timestamp)! }

    @Test func workingDaysSkipWeekendsAndFollowMoscowTime() {
        // Friday 18:00 in Moscow → Monday: one working day (Monday).
        #expect(WorkingDays.between(Self.at("2026-12-04T15:00:00.000Z"), Self.at("2026-12-07T07:00:00.000Z")) == 1)
        // Saturday → Monday: Monday only; Saturday → Sunday: none.
        #expect(WorkingDays.between(Self.at("2026-12-05T09:00:00.000Z"), Self.at("2026-12-07T09:00:00.000Z")) == 1)
        #expect(WorkingDays.between(Self.at("2026-12-05T09:00:00.000Z"), Self.at("2026-12-06T20:00:00.000Z")) == 0)
        // At the end of the year: 22:00 UTC on Thursday 31 December is already Friday 1 January in Moscow.
        #expect(WorkingDays.between(Self.at("2026-12-31T22:00:00.000Z"), Self.at("2027-01-04T07:00:00.000Z")) == 1)
        #expect(WorkingDays.between(Self.at("2026-12-31T20:59:00.000Z"), Self.at("2027-01-04T07:00:00.000Z")) == 2)
        // Two whole weeks: ten working days.
        #expect(WorkingDays.between(Self.at("2026-11-30T10:00:00.000Z"), Self.at("2026-12-14T10:00:00.000Z")) == 10)
        #expect(Timestamps.millis(fromRFC3339: "2027-01-01T00:00:00.000Z") == 1_798_761_600_000)
    }

    /// Two curators and an unassigned request, with every step at a known time.
    @Test func curatorsWorkloadAsCountedByHand() async throws {
        let f = try CompanyFixture()
        let company = try await f.create(["name": "ООО «Вопрос»"])["id"]!.stringValue!
        let (anna, boris) = try await f.store.write { db -> (String, String) in
            let ctx = WriteContext(db: db, actor: "t", action: "staff.create")
            return (
                try StaffRepository.create(ctx, fields: ["name": "Анна", "email": "anna@c.ru"])["id"]!.stringValue!,
                try StaffRepository.create(ctx, fields: ["name": "Борис", "email": "boris@c.ru"])["id"]!.stringValue!
            )
        }
        func step(
            _ action: String, _ time: String, _ body: @escaping @Sendable (WriteContext) throws -> JSONValue
        ) async throws -> String {
            try await f.store.write { db in
                try body(WriteContext(db: db, actor: "t", action: action, nowMillis: Self.at(time)))
            }["id"]!.stringValue!
        }
        func submit(_ time: String) async throws -> String {
            try await step("requests.submit", time) {
                try RequestRepository.submit(
                    $0,
                    fields: [
                        "companyId": .string(company), "service": "legal", "channel": "email", "subject": "Вопрос",
                    ])
            }
        }
        // r1: new since Monday 30 Nov. r2: Anna's since Tuesday 1 Dec, not started. r3: Anna, resolved 4.5 days after.
        // r4: Boris, rejected 1 day after. r5: Anna, resolved in January (outside a December period).
        let r1 = try await submit("2026-11-30T07:00:00.000Z")
        let r2 = try await submit("2026-12-01T07:00:00.000Z")
        _ = try await step("requests.assign", "2026-12-01T19:00:00.000Z") {
            try RequestRepository.assign($0, id: r2, curatorID: anna, expectedVersion: nil)
        }
        let r3 = try await submit("2026-12-02T06:00:00.000Z")
        _ = try await step("requests.assign", "2026-12-02T18:00:00.000Z") {
            try RequestRepository.assign($0, id: r3, curatorID: anna, expectedVersion: nil)
        }
        _ = try await step("requests.start", "2026-12-03T06:00:00.000Z") {
            try RequestRepository.transition($0, verb: "start", id: r3, expectedVersion: nil)
        }
        _ = try await step("requests.resolve", "2026-12-06T18:00:00.000Z") {
            try RequestRepository.transition($0, verb: "resolve", id: r3, expectedVersion: nil) {
                $0.resolution = "Готово"
            }
        }
        let r4 = try await submit("2026-12-03T06:00:00.000Z")
        _ = try await step("requests.assign", "2026-12-03T12:00:00.000Z") {
            try RequestRepository.assign($0, id: r4, curatorID: boris, expectedVersion: nil)
        }
        _ = try await step("requests.start", "2026-12-03T18:00:00.000Z") {
            try RequestRepository.transition($0, verb: "start", id: r4, expectedVersion: nil)
        }
        _ = try await step("requests.reject", "2026-12-04T06:00:00.000Z") {
            try RequestRepository.transition($0, verb: "reject", id: r4, expectedVersion: nil) {
                $0.resolution = "Не по программе"
            }
        }
        let r5 = try await submit("2026-12-20T06:00:00.000Z")
        _ = try await step("requests.assign", "2026-12-21T06:00:00.000Z") {
            try RequestRepository.assign($0, id: r5, curatorID: anna, expectedVersion: nil)
        }
        _ = try await step("requests.start", "2026-12-21T07:00:00.000Z") {
            try RequestRepository.transition($0, verb: "start", id: r5, expectedVersion: nil)
        }
        _ = try await step("requests.resolve", "2027-01-10T06:00:00.000Z") {
            try RequestRepository.transition($0, verb: "resolve", id: r5, expectedVersion: nil) {
                $0.resolution = "Готово"
            }
        }

        // On Friday 4 December, 12:00 Moscow time.
        let now = Self.at("2026-12-04T09:00:00.000Z")
        let report = try await f.store.read { db in
            try RequestReport.build(db, params: ["from": "2026-12-01", "to": "2026-12-31"], now: now)
        }
        let rows = Dictionary(
            uniqueKeysWithValues: (report["curators"]?.arrayValue ?? []).map {
                ($0["curatorId"]?.stringValue ?? "none", $0)
            })
        // Anna: r2 open; received r2, r3, r5; resolved r3 (r5 is resolved in January); first actions 0.5, 0.5, 1.0 days.
        #expect(rows[anna]?["name"] == "Анна" && rows[anna]?["openNow"] == 1 && rows[anna]?["received"] == 3)
        #expect(rows[anna]?["resolved"] == 1 && rows[anna]?["rejected"] == 0)
        #expect(rows[anna]?["medianDaysToFirstAction"] == .number(JSONNumber(0.5)))
        #expect(rows[anna]?["medianDaysToResolution"] == .number(JSONNumber(4.5)))
        // Boris: r4 received and rejected; first action after 0.25 days (rounded to 0.3).
        #expect(rows[boris]?["received"] == 1 && rows[boris]?["rejected"] == 1 && rows[boris]?["openNow"] == 0)
        #expect(
            rows[boris]?["medianDaysToFirstAction"] == .number(JSONNumber(0.3))
                && rows[boris]?["medianDaysToResolution"] == .null)
        // No curator: r1, open, submitted in November (outside the period).
        #expect(rows["none"]?["openNow"] == 1 && rows["none"]?["received"] == 0 && rows["none"]?["name"] == .null)
        // Waiting more than 2 working days on Friday: r1 (Tue, Wed, Thu, Fri = 4); r2 is 3 (Wed, Thu, Fri).
        #expect(report["waiting"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [r1, r2])
        #expect(report["waiting"]?.arrayValue?.first?["workingDays"] == 4)
        let strict = try await f.store.read { db in try RequestReport.build(db, params: ["waitingDays": 3], now: now) }
        #expect(strict["waiting"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [r1])
        #expect(
            strict["period"] == ["from": "2026-11-30", "to": "2026-12-20"],
            "without a period: the days requests came in")
    }

    @Test func remindersListWhatIsDueSoonForEachScope() async throws {
        let f = try CompanyFixture()
        let host = try await f.create(["name": "ООО «Хост»"])["id"]!.stringValue!
        let other = try await f.create(["name": "ООО «Другой»"])["id"]!.stringValue!
        let ids = try await f.store.write { db -> [String: String] in
            func ctx(_ a: String) -> WriteContext {
                WriteContext(db: db, actor: "t", action: a, nowMillis: Self.at("2026-11-01T09:00:00.000Z"))
            }
            var ids: [String: String] = [:]
            let event = try EventRepository.create(
                ctx("events.create"),
                fields: [
                    "kind": "exhibition", "title": "Arab Health 2027", "country": "AE",
                    "startsOn": "2027-01-25", "endsOn": "2027-01-28", "applicationDeadline": "2026-12-10",
                ])
            ids["event"] = try EventRepository.transition(
                ctx("events.open"), verb: "open", id: event["id"]!.stringValue!, expectedVersion: nil)["id"]!
                .stringValue!
            let late = try EventRepository.create(
                ctx("events.create"),
                fields: [
                    "kind": "exhibition", "title": "Поздняя", "country": "CN",
                    "startsOn": "2027-05-25", "endsOn": "2027-05-28", "applicationDeadline": "2027-05-01",
                ])
            _ = try EventRepository.transition(
                ctx("events.open"), verb: "open", id: late["id"]!.stringValue!, expectedVersion: nil)
            let college = try InstitutionRepository.create(
                ctx("institutions.create"), fields: ["name": "Колледж", "kind": "college"])["id"]!.stringValue!
            ids["college"] = college
            let agreement = try AgreementRepository.create(
                ctx("agreements.create"),
                fields: [
                    "institutionId": .string(college), "number": "7/2026",
                    "validFrom": "2026-09-01", "validTo": "2027-06-30",
                ])["id"]!.stringValue!
            ids["agreement"] = agreement
            let offer = try OfferRepository.create(
                ctx("offers.create"),
                fields: [
                    "companyId": .string(host), "title": "Наладчик", "startsOn": "2026-12-07",
                    "endsOn": "2027-03-31", "slots": 3,
                ])["id"]!.stringValue!
            _ = try OfferRepository.transition(ctx("offers.open"), verb: "open", id: offer, expectedVersion: nil)
            let student = try StudentRepository.create(
                ctx("students.create"),
                fields: ["institutionId": .string(college), "fullName": "Илья", "specialty": "15.02.10", "course": 2])[
                    "id"]!.stringValue!
            ids["placement"] = try PlacementRepository.propose(
                ctx("placements.propose"), fields: ["studentId": .string(student), "offerId": .string(offer)])["id"]!
                .stringValue!
            // The agreement is cut short: it now ends within the window, before the placement does.
            _ = try AgreementRepository.update(
                ctx("agreements.update"), id: agreement, patch: ["validTo": "2026-12-20"], expectedVersion: nil)
            ids["request"] = try RequestRepository.submit(
                ctx("requests.submit"),
                fields: ["companyId": .string(other), "service": "legal", "channel": "email", "subject": "Срочно"])[
                    "id"]!.stringValue!
            let strategy = try StrategyRepository.create(
                ctx("strategies.create"),
                fields: [
                    "companyId": .string(host), "title": "Выход в ОАЭ", "periodStart": 2026, "periodEnd": 2027,
                    "actions": [
                        ["key": "A1", "title": "Сертификат", "dueOn": "2026-11-20", "status": "planned"],
                        ["key": "A2", "title": "Готово", "dueOn": "2026-11-10", "status": "done"],
                    ],
                ])["id"]!.stringValue!
            ids["strategy"] = try StrategyRepository.transition(
                ctx("strategies.approve"), verb: "approve", id: strategy, expectedVersion: nil)["id"]!.stringValue!
            return ids
        }
        let all = try await f.store.read { db in
            try Reminders.list(db, params: ["withinDays": 30], scope: .init(), today: "2026-12-01")
        }
        let kinds = (all["items"]?.arrayValue ?? []).map {
            "\($0["kind"]!.stringValue!) \($0["id"]!.stringValue!) \($0["due"]!.stringValue!)"
        }
        let expected: [String] = [
            "strategy.actionOverdue \(ids["strategy"]!) 2026-11-20", "request.unassigned \(ids["request"]!) 2026-11-01",
            "placement.unconfirmed \(ids["placement"]!) 2026-12-07",
            "event.applicationDeadline \(ids["event"]!) 2026-12-10",
            "agreement.ends \(ids["agreement"]!) 2026-12-20",
        ]
        let soonestFirst = expected.sorted { $0.split(separator: " ")[2] < $1.split(separator: " ")[2] }
        #expect(kinds == soonestFirst)
        let ending = all["items"]?.arrayValue?.first { $0["kind"] == "agreement.ends" }
        #expect(ending?["placementsPastEnd"] == [.string(ids["placement"]!)])
        #expect(all["until"] == "2026-12-31")
        // The college sees its agreement, its placement and the public event; not requests or strategies.
        let college = try await f.store.read { db in
            try Reminders.list(
                db, params: ["withinDays": 30], scope: .init(institutionID: ids["college"]), today: "2026-12-01")
        }
        #expect(
            Set((college["items"]?.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }) == [
                "event.applicationDeadline", "agreement.ends", "placement.unconfirmed",
            ])
        // The other company sees its own request and the event, nothing of the host's.
        let company = try await f.store.read { db in
            try Reminders.list(db, params: ["withinDays": 30], scope: .init(companyID: other), today: "2026-12-01")
        }
        #expect(
            Set((company["items"]?.arrayValue ?? []).compactMap { $0["kind"]?.stringValue }) == [
                "event.applicationDeadline", "request.unassigned",
            ])
        // A shorter window leaves the agreement and the event out.
        let week = try await f.store.read { db in
            try Reminders.list(db, params: ["withinDays": 7], scope: .init(), today: "2026-12-01")
        }
        #expect(
            !(week["items"]?.arrayValue ?? []).contains {
                $0["kind"] == "agreement.ends" || $0["kind"] == "event.applicationDeadline"
            })
    }
}
