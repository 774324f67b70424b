import ExportDeskSchemas
import JSON
import Storage
import Support

/// The demo's clock: the programme's history happened on the days it says, so each step of a past event
/// runs with the time it would have run at (an application before the deadline, results after the event).
struct DemoClock {
    /// Milliseconds since 1970 at noon UTC of a `YYYY-MM-DD` day, `offset` days later.
    static func millis(_ day: String, offset: Int = 0) -> Int64 {
        (Timestamps.millis(fromRFC3339: day + "T12:00:00Z") ?? 0) + Int64(offset) * 86_400_000
    }

    static func context(_ db: any SQLDatabase, _ action: String, day: String, offset: Int = 0) -> WriteContext {
        let now = WallClock.nowMillis
        // Never in the future: a step planned after today happens today.
        return WriteContext(
            db: db, actor: "local:demo", action: action, nowMillis: min(now, millis(day, offset: offset)))
    }
}

/// One demo event and what happened to it, played through the event and participation operations.
struct EventPlan {
    var event: Params.EventsCreate
    var final: String
    /// Companies that apply, with the fate of each application and its results.
    var applications: [(company: String, fate: String, results: JSONObject?)] = []

    init(_ g: inout DemoData.Generator, companies: [String]) {
        let country = g.pick(DemoData.markets)
        let year = g.int(2019...2027)
        let month = g.int(1...12)
        let day = g.int(1...25)
        let starts = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
        let ends = "\(year)-\(month < 10 ? "0" : "")\(month)-\(day + 3 < 10 ? "0" : "")\(day + 3)"
        let kind: Params.EventsCreate.Kind = g.chance(0.6) ? .exhibition : .businessMission
        let capacity = g.int(5...20)
        let title =
            kind == .exhibition
            ? "\(g.pick(DemoData.fairs)) \(year)" : "Бизнес-миссия в \(DemoData.cities[country]!) \(year)"
        event = Params.EventsCreate(
            kind: kind, title: title, country: country, city: DemoData.cities[country]!, startsOn: starts,
            endsOn: ends, applicationDeadline: starts, sectors: [g.pick(DemoData.tags)], capacity: Int64(capacity))
        final = year >= 2027 ? (g.chance(0.5) ? "open" : "draft") : (g.chance(0.04) ? "cancelled" : "completed")
        guard final != "draft" else { return }
        var seen = Set<String>()
        for _ in 0..<g.int(3...(capacity + 2)) {
            let company = g.pick(companies)
            guard seen.insert(company).inserted else { continue }
            let fate: String
            switch final {
            case "completed": fate = g.chance(0.85) ? "attended" : g.pick(["no_show", "rejected", "withdrawn"])
            case "cancelled": fate = "approved"
            default: fate = g.pick(["applied", "approved", "approved", "waitlisted"])
            }
            var results: JSONObject?
            if fate == "attended" && g.chance(0.6) {
                results = [
                    "meetings": .number(.int(Int64(g.int(2...30)))),
                    "contractsSigned": .number(.int(Int64(g.int(0...3)))),
                    "contractsValue": [
                        "amount": .string("\(g.int(1...500) * 10_000).00"),
                        "currency": .string(g.pick(["USD", "RUB", "CNY"])),
                    ],
                    "leads": .number(.int(Int64(g.int(0...15)))),
                ]
            }
            applications.append((company, fate, results))
        }
    }

    /// Creates the event and takes it and its applications to their final states; returns the applications.
    func play(_ db: any SQLDatabase) throws -> Int {
        let starts = event.startsOn
        func ctx(_ action: String, _ offset: Int) -> WriteContext {
            DemoClock.context(db, action, day: starts, offset: offset)
        }
        let id = try EventRepository.create(ctx("events.create", -90), event).recordID
        guard final != "draft" else { return 0 }
        _ = try EventRepository.transition(ctx("events.open", -60), verb: "open", id: id, expectedVersion: nil)
        var made: [(String, String, JSONObject?)] = []
        for (company, fate, results) in applications {
            let p = try ParticipationRepository.apply(
                ctx("participations.apply", -30),
                Params.ParticipationsApply(eventId: id, companyId: company, products: ["8471"]))
            let pid = p.recordID
            made.append((pid, fate, results))
            switch fate {
            case "applied": break
            case "waitlisted":
                _ = try ParticipationRepository.transition(
                    ctx("participations.waitlist", -20), verb: "waitlist", id: pid, expectedVersion: nil)
            case "rejected":
                _ = try ParticipationRepository.transition(
                    ctx("participations.reject", -20), verb: "reject", id: pid, expectedVersion: nil
                ) {
                    $0.decisionReason = "Продукция не соответствует тематике выставки"
                }
            default:
                // Past capacity an approval waitlists instead, as staff would.
                _ = try ParticipationRepository.approve(
                    ctx("participations.approve", -20), id: pid, orWaitlist: true, expectedVersion: nil)
                if fate == "withdrawn" {
                    _ = try? ParticipationRepository.transition(
                        ctx("participations.withdraw", -10), verb: "withdraw", id: pid, expectedVersion: nil)
                }
            }
        }
        switch final {
        case "cancelled":
            _ = try EventRepository.transition(ctx("events.cancel", -5), verb: "cancel", id: id, expectedVersion: nil)
        case "completed":
            _ = try EventRepository.transition(ctx("events.close", 0), verb: "close", id: id, expectedVersion: nil)
            for (pid, fate, _) in made where fate == "attended" || fate == "no_show" {
                _ = try? ParticipationRepository.transition(
                    ctx("participations.markAttendance", 4), verb: "markAttendance", id: pid, expectedVersion: nil,
                    attended: fate == "attended")
            }
            _ = try EventRepository.transition(
                ctx("events.complete", 5), verb: "complete", id: id, expectedVersion: nil)
            for (pid, _, results) in made {
                guard let results else { continue }
                _ = try? ParticipationRepository.transition(
                    ctx("participations.recordResults", 10), verb: "recordResults", id: pid, expectedVersion: nil
                ) {
                    $0.results = try TypedRecords.decode(Records.ParticipationResults.self, results)
                }
            }
        default: break
        }
        return made.count
    }
}

/// One demo support request and its course, played through the request operations.
struct RequestPlan {
    var fields: JSONObject
    var final: String
    var curator: String
    var day: String

    init(_ g: inout DemoData.Generator, companies: [String], staff: [String]) {
        final = g.pick([
            "resolved", "resolved", "resolved", "in_progress", "in_progress", "assigned", "new", "rejected",
        ])
        fields = [
            "companyId": .string(g.pick(companies)), "service": .string(g.pick(DemoData.services)),
            "channel": .string(g.pick(["phone", "email", "portal", "in_person"])),
            "subject": .string("Вопрос по экспорту в \(DemoData.cities[g.pick(DemoData.markets)]!)"),
        ]
        curator = g.pick(staff)
        let month = g.int(1...10)
        day = "2026-\(month < 10 ? "0" : "")\(month)-\(String(g.int(10...28)))"
    }

    func play(_ db: any SQLDatabase) throws {
        func ctx(_ action: String, _ offset: Int) -> WriteContext {
            DemoClock.context(db, action, day: day, offset: offset)
        }
        let id = try RequestRepository.submit(
            ctx("requests.submit", 0), try TypedRecords.params(Params.RequestsSubmit.self, fields)
        ).recordID
        guard final != "new" else { return }
        _ = try RequestRepository.assign(ctx("requests.assign", 1), id: id, curatorID: curator, expectedVersion: nil)
        guard final != "assigned" else { return }
        _ = try RequestRepository.transition(ctx("requests.start", 2), verb: "start", id: id, expectedVersion: nil)
        switch final {
        case "resolved":
            _ = try RequestRepository.transition(
                ctx("requests.resolve", 9), verb: "resolve", id: id, expectedVersion: nil
            ) { $0.resolution = "Консультация проведена" }
        case "rejected":
            _ = try RequestRepository.transition(
                ctx("requests.reject", 4), verb: "reject", id: id, expectedVersion: nil
            ) { $0.resolution = "Вне программы поддержки" }
        default: break
        }
    }
}
