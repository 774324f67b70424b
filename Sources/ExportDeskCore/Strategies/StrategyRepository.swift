import ExportDeskSchemas
import JSON
import Storage
import Support

/// Personal export strategies (SPEC §5): draft → approved → completed | archived; `revise` copies an approved
/// strategy into a new draft with revision + 1 and leaves the approved one intact.
public enum StrategyRepository {
    public static let records = RecordTable<Records.Strategy>(
        table: "strategies", entity: "strategy", prefix: "sg",
        columns: [
            ("status", { .text($0.status.rawValue) }),
            ("company_id", { .text($0.companyId) }),
            ("curator_id", { $0.curatorId.sqlValue }),
        ])
    public static let lifecycle = Lifecycle(
        entity: "strategy", verbs: ["update", "approve", "complete", "archive", "revise", "recordActual"],
        transitions: [
            "update": ["draft": "draft"],
            "approve": ["draft": "approved"],
            "complete": ["approved": "completed"],
            "archive": ["draft": "archived", "approved": "archived", "completed": "archived"],
            "revise": ["approved": "approved"],
            "recordActual": ["draft": "draft", "approved": "approved"],
        ])
    static let mutableFields: Set<String> = [
        "title", "periodStart", "periodEnd", "summary", "curatorId", "markets", "goals", "actions", "externalRef",
    ]

    static func check(_ r: Records.Strategy, path: String) throws {
        var issues: [ParamIssue] = []
        let (start, end) = (r.periodStart, r.periodEnd)
        if end < start {
            issues.append(
                .init(
                    instancePath: path + "/periodEnd", keyword: "consistency",
                    message: "must not be before periodStart (\(start))"))
        }
        for (i, goal) in (r.goals ?? []).enumerated() {
            if goal.year < start || goal.year > end {
                issues.append(
                    .init(
                        instancePath: path + "/goals/\(i)/year", keyword: "consistency",
                        message: "must lie in the strategy's period \(start)–\(end)"))
            }
            if goal.metric == .exportRevenue && goal.currency == nil {
                issues.append(
                    .init(
                        instancePath: path + "/goals/\(i)/currency", keyword: "required",
                        message: "is required for export_revenue"))
            }
        }
        if !issues.isEmpty { throw DomainError.invalidParams(issues) }
    }

    public static func create(_ ctx: WriteContext, _ p: Params.StrategiesCreate) throws -> JSONValue {
        _ = try CompanyRepository.records.record(ctx.db, id: p.companyId)
        if let curator = p.curatorId { _ = try StaffRepository.records.get(ctx.db, id: curator) }
        var record: JSONObject = ["companyId": .string(p.companyId)]
        for (k, v) in TypedRecords.fields(of: p, mutableFields) { record[k] = v }
        record.recordStatus = Records.Strategy.Status.draft.rawValue
        record["revision"] = 1
        record["actuals"] = []
        return .object(try records.insert(ctx, record) { try check($0, path: "") })
    }

    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONValue {
        .object(
            try records.update(
                ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion,
                before: { current in
                    _ = try lifecycle.apply("update", to: current.status.rawValue)
                },
                validate: { strategy in
                    try check(strategy, path: "/patch")
                    if let curator = strategy.curatorId {
                        _ = try StaffRepository.records.get(ctx.db, id: curator)
                    }
                }))
    }

    /// approve (remembering the company's current markets, for `new_markets`), complete, archive.
    public static func transition(
        _ ctx: WriteContext, verb: String, id: String, expectedVersion: Int64?
    ) throws -> JSONValue {
        guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else {
            throw DomainError.notFound(entity: "strategy", id: id)
        }
        let strategy = try records.typed(record)
        let next = try lifecycle.apply(verb, to: strategy.status.rawValue)
        try Versions.check(record, expectedVersion: expectedVersion)
        if verb == "approve" {
            let company = try CompanyRepository.records.record(ctx.db, id: strategy.companyId)
            try TypedRecords.edit(&record, as: Records.Strategy.self) {
                $0.approvedAt = ctx.now
                $0.marketsAtApproval = company.currentMarkets ?? []
            }
        }
        record.recordStatus = next
        try records.save(ctx, rowid: rowid, &record, op: verb == "archive" ? .deleted : .updated)
        return .object(record)
    }

    /// A new draft copied from an approved strategy, revision + 1; the approved one stays as it is.
    public static func revise(_ ctx: WriteContext, id: String) throws -> JSONValue {
        let stored = try records.get(ctx.db, id: id)
        let original = try records.typed(stored)
        _ = try lifecycle.apply("revise", to: original.status.rawValue)
        var draft: JSONObject = ["companyId": .string(original.companyId)]
        for key in mutableFields { draft[key] = stored[key] }
        draft.recordStatus = Records.Strategy.Status.draft.rawValue
        draft["revision"] = .number(.int(original.revision + 1))
        draft["revisionOf"] = .string(id)
        draft["actuals"] = original.actuals.json
        return .object(try records.insert(ctx, draft))
    }

    /// Records (or replaces) an actual figure only the company knows, such as export revenue for a year.
    public static func recordActual(
        _ ctx: WriteContext, id: String, metric: String, year: Int64, value: JSONValue, expectedVersion: Int64?
    ) throws -> JSONValue {
        guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else {
            throw DomainError.notFound(entity: "strategy", id: id)
        }
        _ = try lifecycle.apply("recordActual", to: try records.typed(record).status.rawValue)
        try Versions.check(record, expectedVersion: expectedVersion)
        guard let metric = Records.Strategy.Actual.Metric(rawValue: metric), case .number(let number) = value else {
            throw DomainError.invalidParams(
                path: "/metric", keyword: "enum", "is not a metric an actual is recorded for")
        }
        try TypedRecords.edit(&record, as: Records.Strategy.self) {
            $0.actuals.removeAll { $0.metric == metric && $0.year == year }
            $0.actuals.append(.init(metric: metric, year: year, value: number))
        }
        try records.save(ctx, rowid: rowid, &record)
        return .object(record)
    }

    /// Target against actual per goal and year, and action completion (SPEC §5, §11).
    public static func progress(_ db: any SQLDatabase, id: String) throws -> Results.StrategiesProgress {
        let s = try records.record(db, id: id)
        let known = Set(s.marketsAtApproval ?? [])
        // The company's attended participations in the period, placed in the year their event starts.
        struct Attended {
            let year: Int64
            let kind: String
            let country: String
            let contracts: Int64
        }
        var attended: [Attended] = []
        try db.query(
            """
            SELECT substr(e.starts_on, 1, 4), e.kind, e.country, coalesce(\(db.dialect.jsonInteger("p.data", "results.contractsSigned")), 0)
            FROM participations p JOIN events e ON e.id = p.event_id
            WHERE p.company_id = ? AND p.status = 'attended' AND CAST(substr(e.starts_on, 1, 4) AS INTEGER) BETWEEN ? AND ?
            """, [.text(s.companyId), .integer(s.periodStart), .integer(s.periodEnd)]
        ) { r in
            attended.append(
                Attended(
                    year: Int64(r.text(0) ?? "") ?? 0, kind: r.text(1) ?? "", country: r.text(2) ?? "",
                    contracts: r.int64(3)))
        }
        var goals: [Results.StrategiesProgress.Goal] = []
        for goal in s.goals ?? [] {
            let inYear = attended.filter { $0.year == goal.year }
            let actual: JSONNumber?
            switch goal.metric {
            case .contracts: actual = .int(inYear.reduce(0) { $0 + $1.contracts })
            case .exhibitions: actual = .int(Int64(inYear.filter { $0.kind == "exhibition" }.count))
            case .businessMissions: actual = .int(Int64(inYear.filter { $0.kind == "business_mission" }.count))
            case .newMarkets:
                actual = .int(
                    Int64(Set(inYear.filter { $0.contracts > 0 && !known.contains($0.country) }.map(\.country)).count))
            case .exportRevenue:
                actual = s.actuals.first { $0.metric.rawValue == goal.metric.rawValue && $0.year == goal.year }?.value
            }
            let percent = actual.flatMap { actual in
                goal.target.doubleValue > 0
                    ? JSONNumber((actual.doubleValue / goal.target.doubleValue * 1000).rounded() / 10) : nil
            }
            goals.append(
                Results.StrategiesProgress.Goal(
                    metric: try TypedRecords.decode(
                        Results.StrategiesProgress.Goal.Metric.self, .string(goal.metric.rawValue)),
                    year: goal.year, target: goal.target, actual: actual, currency: goal.currency, percent: percent))
        }
        let actions = s.actions ?? []
        func count(_ status: Records.Strategy.Action.Status) -> Int64 {
            Int64(actions.filter { $0.status == status }.count)
        }
        let counted = Int64(actions.count) - count(.dropped)
        return Results.StrategiesProgress(
            strategyId: id, status: s.status.rawValue, goals: goals,
            actions: Results.StrategiesProgress.Actions(
                total: Int64(actions.count), done: count(.done), inProgress: count(.inProgress),
                planned: count(.planned), dropped: count(.dropped),
                percentDone: JSONNumber(
                    counted > 0 ? (Double(count(.done)) / Double(counted) * 1000).rounded() / 10 : 0)))
    }

    public static func list(
        _ db: any SQLDatabase, _ p: Params.StrategiesList, onlyCompany: String?
    ) throws -> ListPage<Records.Strategy> {
        var f = ListFilter()
        f.equal("company_id", p.filter?.companyId)
        f.equal("status", p.filter?.status)
        f.equal("curator_id", p.filter?.curatorId)
        f.equal("company_id", onlyCompany)
        return try records.page(db, f, sortColumn: "created_at", sortName: "createdAt", list: p)
    }
}
