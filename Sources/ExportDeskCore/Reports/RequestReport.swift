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
        _ db: any SQLDatabase, _ params: Params.ReportsRequests, now: Int64 = WallClock.nowMillis
    ) throws -> Results.ReportsRequests {
        let p = Reports.Period(from: params.from, to: params.to)
        let waitingDays = Int(params.waitingDays ?? 2)
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
        struct Row {
            var openNow: Int64 = 0, received: Int64 = 0, resolved: Int64 = 0, rejected: Int64 = 0
        }
        var rows: [String: Row] = [:]
        var toFirst: [String: [Double]] = [:]
        var toResolution: [String: [Double]] = [:]
        for c in courses.values {
            let key = c.curator ?? ""
            var row = rows[key] ?? Row()
            if ["new", "assigned", "in_progress"].contains(c.status) { row.openNow += 1 }
            if inPeriod(c.submitted) {
                row.received += 1
                if let first = c.firstAction { toFirst[key, default: []].append(days(first - c.submitted)) }
            }
            if c.status == "resolved", inPeriod(c.resolved), let resolved = c.resolved {
                row.resolved += 1
                toResolution[key, default: []].append(days(resolved - c.submitted))
            }
            if c.status == "rejected", inPeriod(c.rejected) { row.rejected += 1 }
            rows[key] = row
        }
        var names: [String: String] = [:]
        try db.query("SELECT id, \(db.dialect.json("data", "name")) FROM staff") { s in
            names[s.text(0) ?? ""] = s.text(1)
        }
        let curators = rows.keys.sorted().map { key in
            let row = rows[key]!
            return Results.ReportsRequests.Curator(
                curatorId: key.isEmpty ? nil : key, name: names[key], openNow: row.openNow, received: row.received,
                resolved: row.resolved, rejected: row.rejected, medianDaysToFirstAction: median(toFirst[key]),
                medianDaysToResolution: median(toResolution[key]))
        }
        let waiting = try courses.values
            .filter { $0.status == "new" || $0.status == "assigned" }
            .map { ($0, WorkingDays.between($0.submitted, now)) }
            .filter { $0.1 > waitingDays }
            .sorted { ($0.0.submitted, $0.0.id) < ($1.0.submitted, $1.0.id) }
            .map { c, age in
                Results.ReportsRequests.WaitingItem(
                    id: c.id, companyId: c.company, curatorId: c.curator,
                    status: try TypedRecords.decode(Results.ReportsRequests.WaitingItem.Status.self, .string(c.status)),
                    submittedAt: WallClock.rfc3339(c.submitted), workingDays: Int64(age))
            }
        let (from, to) = try p.bounds(db, datesSQL: "SELECT substr(created_at, 1, 10) AS d FROM requests")
        return Results.ReportsRequests(
            period: .init(from: from, to: to), waitingDays: Int64(waitingDays), curators: curators, waiting: waiting)
    }

    static func days(_ millis: Int64) -> Double { Double(millis) / 86_400_000 }

    /// The median, to one decimal; null for no values.
    static func median(_ values: [Double]?) -> JSONNumber? {
        guard let values, !values.isEmpty else { return nil }
        let s = values.sorted()
        let m = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        return JSONNumber((m * 10).rounded() / 10)
    }
}
