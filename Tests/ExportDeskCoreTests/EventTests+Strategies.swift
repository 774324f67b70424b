import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Support
import Testing

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
