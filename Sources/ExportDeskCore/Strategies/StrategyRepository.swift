import ExportDeskSchemas
import JSON
import JSONRPC
import Storage

/// Personal export strategies (SPEC §5): draft → approved → completed | archived; `revise` copies an approved
/// strategy into a new draft with revision + 1 and leaves the approved one intact.
public enum StrategyRepository {
    public static let records = RecordTable<Records.Strategy>(table: "strategies", entity: "strategy", prefix: "sg", columns: [
        ("status", { .text($0.status.rawValue) }),
        ("company_id", { .text($0.companyId) }),
        ("curator_id", { $0.curatorId.sqlValue }),
    ])
    public static let lifecycle = Lifecycle(entity: "strategy", verbs: ["update", "approve", "complete", "archive", "revise", "recordActual"], transitions: [
        "update": ["draft": "draft"],
        "approve": ["draft": "approved"],
        "complete": ["approved": "completed"],
        "archive": ["draft": "archived", "approved": "archived", "completed": "archived"],
        "revise": ["approved": "approved"],
        "recordActual": ["draft": "draft", "approved": "approved"],
    ])
    static let mutableFields: Set<String> = ["title", "periodStart", "periodEnd", "summary", "curatorId", "markets", "goals", "actions", "externalRef"]

    static func check(_ r: JSONObject, path: String) throws {
        var issues: [RPCError.ParamIssue] = []
        let start = r["periodStart"]?.int64Value ?? 0, end = r["periodEnd"]?.int64Value ?? 0
        if end < start { issues.append(.init(instancePath: path + "/periodEnd", keyword: "consistency", message: "must not be before periodStart (\(start))")) }
        for (i, goal) in (r["goals"]?.arrayValue ?? []).enumerated() {
            let year = goal["year"]?.int64Value ?? 0
            if year < start || year > end {
                issues.append(.init(instancePath: path + "/goals/\(i)/year", keyword: "consistency", message: "must lie in the strategy's period \(start)–\(end)"))
            }
            if goal["metric"] == "export_revenue" && goal["currency"] == nil {
                issues.append(.init(instancePath: path + "/goals/\(i)/currency", keyword: "required", message: "is required for export_revenue"))
            }
        }
        if !issues.isEmpty { throw RPCError.invalidParams(issues) }
    }

    public static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        _ = try CompanyRepository.get(ctx.db, id: fields["companyId"]?.stringValue ?? "")
        if let curator = fields["curatorId"]?.stringValue { _ = try StaffRepository.records.get(ctx.db, id: curator) }
        var record: JSONObject = ["companyId": fields["companyId"] ?? .null]
        for (k, v) in fields where mutableFields.contains(k) { record[k] = v }
        try check(record, path: "")
        record["status"] = "draft"
        record["revision"] = 1
        record["actuals"] = []
        return .object(try records.insert(ctx, record))
    }

    public static func update(_ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?) throws -> JSONValue {
        .object(try records.update(ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion, before: { current in
            _ = try lifecycle.apply("update", to: current.status.rawValue)
        }, validate: { patched in
            try check(patched, path: "/patch")
            if let curator = patched["curatorId"]?.stringValue { _ = try StaffRepository.records.get(ctx.db, id: curator) }
        }))
    }

    /// approve (remembering the company's current markets, for `new_markets`), complete, archive.
    public static func transition(_ ctx: WriteContext, verb: String, id: String, expectedVersion: Int64?) throws -> JSONValue {
        guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else { throw RPCError.notFound(entity: "strategy", id: id) }
        let next = try lifecycle.apply(verb, to: record["status"]?.stringValue ?? "")
        try Versions.check(record, expectedVersion: expectedVersion)
        if verb == "approve" {
            let company = try CompanyRepository.get(ctx.db, id: record["companyId"]?.stringValue ?? "")
            record["approvedAt"] = .string(ctx.now)
            record["marketsAtApproval"] = company["currentMarkets"] ?? []
        }
        record["status"] = .string(next)
        try records.save(ctx, rowid: rowid, &record, op: verb == "archive" ? .deleted : .updated)
        return .object(record)
    }

    /// A new draft copied from an approved strategy, revision + 1; the approved one stays as it is.
    public static func revise(_ ctx: WriteContext, id: String) throws -> JSONValue {
        let original = try records.get(ctx.db, id: id)
        _ = try lifecycle.apply("revise", to: original["status"]?.stringValue ?? "")
        var draft: JSONObject = ["companyId": original["companyId"] ?? .null]
        for key in mutableFields { draft[key] = original[key] }
        draft["status"] = "draft"
        draft["revision"] = .number(.int((original["revision"]?.int64Value ?? 1) + 1))
        draft["revisionOf"] = .string(id)
        draft["actuals"] = original["actuals"] ?? []
        return .object(try records.insert(ctx, draft))
    }

    /// Records (or replaces) an actual figure only the company knows, such as export revenue for a year.
    public static func recordActual(_ ctx: WriteContext, id: String, metric: String, year: Int64, value: JSONValue, expectedVersion: Int64?) throws -> JSONValue {
        guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else { throw RPCError.notFound(entity: "strategy", id: id) }
        _ = try lifecycle.apply("recordActual", to: record["status"]?.stringValue ?? "")
        try Versions.check(record, expectedVersion: expectedVersion)
        var actuals = (record["actuals"]?.arrayValue ?? []).filter { !($0["metric"] == .string(metric) && $0["year"] == .number(.int(year))) }
        actuals.append(["metric": .string(metric), "year": .number(.int(year)), "value": value])
        record["actuals"] = .array(actuals)
        try records.save(ctx, rowid: rowid, &record)
        return .object(record)
    }

    /// Target against actual per goal and year, and action completion (SPEC §5, §11).
    public static func progress(_ db: any SQLDatabase, id: String) throws -> JSONValue {
        let s = try records.get(db, id: id)
        let company = s["companyId"]?.stringValue ?? ""
        let start = s["periodStart"]?.int64Value ?? 0, end = s["periodEnd"]?.int64Value ?? 0
        let known = Set((s["marketsAtApproval"]?.arrayValue ?? []).compactMap(\.stringValue))
        // The company's attended participations in the period, placed in the year their event starts.
        struct Attended { let year: Int64; let kind: String; let country: String; let contracts: Int64 }
        var attended: [Attended] = []
        try db.query("""
            SELECT substr(e.starts_on, 1, 4), e.kind, e.country, coalesce(\(db.dialect.jsonInteger("p.data", "results.contractsSigned")), 0)
            FROM participations p JOIN events e ON e.id = p.event_id
            WHERE p.company_id = ? AND p.status = 'attended' AND CAST(substr(e.starts_on, 1, 4) AS INTEGER) BETWEEN ? AND ?
            """, [.text(company), .integer(start), .integer(end)]) { r in
            attended.append(Attended(year: Int64(r.text(0) ?? "") ?? 0, kind: r.text(1) ?? "", country: r.text(2) ?? "", contracts: r.int64(3)))
        }
        var goals: [JSONValue] = []
        for goal in s["goals"]?.arrayValue ?? [] {
            let metric = goal["metric"]?.stringValue ?? "", year = goal["year"]?.int64Value ?? 0
            let inYear = attended.filter { $0.year == year }
            var actual: JSONValue
            switch metric {
            case "contracts": actual = .number(.int(inYear.reduce(0) { $0 + $1.contracts }))
            case "exhibitions": actual = .number(.int(Int64(inYear.filter { $0.kind == "exhibition" }.count)))
            case "business_missions": actual = .number(.int(Int64(inYear.filter { $0.kind == "business_mission" }.count)))
            case "new_markets": actual = .number(.int(Int64(Set(inYear.filter { $0.contracts > 0 && !known.contains($0.country) }.map(\.country)).count)))
            default:
                actual = (s["actuals"]?.arrayValue ?? []).first { $0["metric"] == .string(metric) && $0["year"] == .number(.int(year)) }?["value"] ?? .null
            }
            var row: JSONObject = ["metric": .string(metric), "year": .number(.int(year)), "target": goal["target"] ?? .null, "actual": actual]
            if let currency = goal["currency"] { row["currency"] = currency }
            if case .number(let a) = actual, let t = goal["target"]?.numberValue, t.doubleValue > 0 {
                row["percent"] = .number(JSONNumber((a.doubleValue / t.doubleValue * 1000).rounded() / 10))
            }
            goals.append(.object(row))
        }
        let actions = s["actions"]?.arrayValue ?? []
        func count(_ status: String) -> Int64 { Int64(actions.filter { $0["status"] == .string(status) }.count) }
        let counted = Int64(actions.count) - count("dropped")
        return [
            "strategyId": .string(id), "status": s["status"] ?? .null, "goals": .array(goals),
            "actions": ["total": .number(.int(Int64(actions.count))), "done": .number(.int(count("done"))), "inProgress": .number(.int(count("in_progress"))),
                        "planned": .number(.int(count("planned"))), "dropped": .number(.int(count("dropped"))),
                        "percentDone": .number(JSONNumber(counted > 0 ? (Double(count("done")) / Double(counted) * 1000).rounded() / 10 : 0))],
        ]
    }

    public static func list(_ db: any SQLDatabase, params: JSONValue, onlyCompany: String?) throws -> JSONValue {
        var clauses: [String] = [], args: [SQLValue] = []
        let f = params["filter"]?.objectValue ?? JSONObject()
        for (key, column) in [("companyId", "company_id"), ("status", "status"), ("curatorId", "curator_id")] {
            if let v = f[key]?.stringValue { clauses.append("\(column) = ?"); args.append(.text(v)) }
        }
        if let onlyCompany { clauses.append("company_id = ?"); args.append(.text(onlyCompany)) }
        return try records.page(db, where: clauses, args, sortColumn: "created_at", sortName: "createdAt", params: params)
    }
}
