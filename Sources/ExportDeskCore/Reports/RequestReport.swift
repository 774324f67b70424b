import ExportDeskSchemas
import JSON
import Storage
import Support

/// `reports.requests {from?, to?, waitingDays?}`: curators' workload. Per curator: requests open now,
/// received, resolved and rejected in the period, and the median days from submission to the first action and
/// to resolution; and the requests that have waited (no curator yet, or not started) longer than
/// `waitingDays` working days (`WorkingDays`). Times come from the change log of each request.
public enum RequestReport {
    struct Course {
        let id: String, status: String, curator: String?, company: String
        let submitted: Int64
        var firstAction: Int64?
        var resolved: Int64?
        var rejected: Int64?
    }

    public static func build(
        _ db: any SQLDatabase, params: JSONValue, now: Int64 = WallClock.nowMillis
    ) throws -> JSONValue {
        let p = try Reports.Period(params)
        let waitingDays = Int(
            try TypedRecords.params(Params.ReportsRequests.self, params.objectValue ?? [:]).waitingDays ?? 2)
        var courses: [String: Course] = [:]
        try db.query("SELECT id, status, curator_id, company_id, created_at FROM requests") { s in
            let id = s.text(0) ?? ""
            courses[id] = Course(
                id: id, status: s.text(1) ?? "", curator: s.text(2), company: s.text(3) ?? "",
                submitted: Timestamps.millis(fromRFC3339: s.text(4) ?? "") ?? 0)
        }
        try db.query("SELECT entity_id, action, at FROM changes WHERE entity = 'request' ORDER BY seq") { s in
            guard let id = s.text(0), var c = courses[id], let at = Timestamps.millis(fromRFC3339: s.text(2) ?? "")
            else { return }
            switch s.text(1) ?? "" {
            case "requests.submit": break
            case "requests.resolve":
                c.resolved = at
                c.firstAction = c.firstAction ?? at
            case "requests.reject":
                c.rejected = at
                c.firstAction = c.firstAction ?? at
            default: c.firstAction = c.firstAction ?? at
            }
            courses[id] = c
        }
        func inPeriod(_ millis: Int64?) -> Bool {
            guard let millis else { return false }
            let day = WallClock.date(millis)
            return day >= p.from && day <= p.to
        }
        var rows: [String: JSONObject] = [:]
        var toFirst: [String: [Double]] = [:]
        var toResolution: [String: [Double]] = [:]
        for c in courses.values {
            let key = c.curator ?? ""
            var row =
                rows[key] ?? [
                    "curatorId": c.curator.map { .string($0) } ?? .null, "openNow": 0, "received": 0, "resolved": 0,
                    "rejected": 0,
                ]
            func bump(_ field: String) { row[field] = .number(.int((row[field]?.int64Value ?? 0) + 1)) }
            if ["new", "assigned", "in_progress"].contains(c.status) { bump("openNow") }
            if inPeriod(c.submitted) {
                bump("received")
                if let first = c.firstAction { toFirst[key, default: []].append(days(first - c.submitted)) }
            }
            if c.status == "resolved", inPeriod(c.resolved), let resolved = c.resolved {
                bump("resolved")
                toResolution[key, default: []].append(days(resolved - c.submitted))
            }
            if c.status == "rejected", inPeriod(c.rejected) { bump("rejected") }
            rows[key] = row
        }
        var names: [String: String] = [:]
        try db.query("SELECT id, \(db.dialect.json("data", "name")) FROM staff") { s in
            names[s.text(0) ?? ""] = s.text(1)
        }
        let curators: [JSONValue] = rows.keys.sorted().map { key in
            .object(
                JSONObject(
                    Array(rows[key]!) + [
                        ("name", names[key].map { .string($0) } ?? .null),
                        ("medianDaysToFirstAction", median(toFirst[key])),
                        ("medianDaysToResolution", median(toResolution[key])),
                    ]))
        }
        let waiting: [JSONValue] = courses.values
            .filter { $0.status == "new" || $0.status == "assigned" }
            .map { ($0, WorkingDays.between($0.submitted, now)) }
            .filter { $0.1 > waitingDays }
            .sorted { ($0.0.submitted, $0.0.id) < ($1.0.submitted, $1.0.id) }
            .map { c, age in
                [
                    "id": .string(c.id), "companyId": .string(c.company),
                    "curatorId": c.curator.map { .string($0) } ?? .null,
                    "status": .string(c.status), "submittedAt": .string(WallClock.rfc3339(c.submitted)),
                    "workingDays": .number(.int(Int64(age))),
                ]
            }
        return [
            "period": try p.answered(db, datesSQL: "SELECT substr(created_at, 1, 10) AS d FROM requests"),
            "waitingDays": .number(.int(Int64(waitingDays))), "curators": .array(curators), "waiting": .array(waiting),
        ]
    }

    static func days(_ millis: Int64) -> Double { Double(millis) / 86_400_000 }

    /// The median, to one decimal; null for no values.
    static func median(_ values: [Double]?) -> JSONValue {
        guard let values, !values.isEmpty else { return .null }
        let s = values.sorted()
        let m = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        return .number(JSONNumber((m * 10).rounded() / 10))
    }
}
