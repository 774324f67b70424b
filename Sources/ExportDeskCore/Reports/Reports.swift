import ExportDeskSchemas
import JSON
import Storage
import Support

/// The centre's headline figures (SPEC §9), counted from the data for a period (dates inclusive).
///
/// Periods: an event belongs to the period it starts in, and so do its participations and their results;
/// a support request belongs to the period it was submitted in.
public enum Reports {
    /// The period asked for; an open bound matches every date (inclusive comparisons on `YYYY-MM-DD`).
    struct Period {
        let from: String
        let to: String
        let asked: (from: String?, to: String?)
        init(from: String?, to: String?) {
            asked = (from, to)
            self.from = from ?? "0000-01-01"
            self.to = to ?? "9999-12-31"
        }

        /// The period as answered: a bound that was asked for, else the first or last date the report's data
        /// has (`datesSQL` selects one date column), else nil when there is no data.
        func bounds(_ db: any SQLDatabase, datesSQL: String, _ args: [SQLValue] = []) throws -> (String?, String?) {
            var first: String?
            var last: String?
            if asked.from == nil || asked.to == nil {
                try db.query("SELECT min(d), max(d) FROM (\(datesSQL)) AS dates", args) { s in
                    first = s.text(0)
                    last = s.text(1)
                }
            }
            func bound(_ v: String?) -> String? { v.map { String($0.prefix(10)) } }
            return (bound(asked.from ?? first), bound(asked.to ?? last))
        }
    }

    /// The dates the summary counts by: events' starts, requests' submissions, placements' starts.
    static let summaryDates = """
        SELECT starts_on AS d FROM events WHERE status <> 'cancelled'
        UNION ALL SELECT substr(created_at, 1, 10) FROM requests
        UNION ALL SELECT starts_on FROM placements
        """

    /// Exact sums of decimal amounts with up to two fraction digits, per currency.
    struct MoneyTotals {
        private var cents: [String: Int64] = [:]
        mutating func add(_ amount: String, _ currency: String) {
            let negative = amount.hasPrefix("-")
            let parts = amount.drop { $0 == "-" }.split(separator: ".", omittingEmptySubsequences: false)
            let whole = Int64(parts.first ?? "0") ?? 0
            let fraction =
                parts.count > 1
                ? Int64(String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0).prefix(2)) ?? 0 : 0
            cents[currency, default: 0] += (whole * 100 + fraction) * (negative ? -1 : 1)
        }
        /// The sums, one per currency in currency order, amounts with two fraction digits.
        var money: [Records.Money] {
            cents.keys.sorted().map { currency in
                let c = cents[currency]!
                let v = abs(c)
                return Records.Money(
                    amount: "\(c < 0 ? "-" : "")\(v / 100).\(v % 100 < 10 ? "0" : "")\(v % 100)", currency: currency)
            }
        }

    }

    static func counts(_ db: any SQLDatabase, _ sql: String, _ args: [SQLValue]) throws -> JSONValue {
        var o = JSONObject()
        try db.query(sql, args) { s in o[s.text(0) ?? ""] = .number(.int(s.int64(1))) }
        return .object(o)
    }

    public static func summary(
        _ db: any SQLDatabase, _ params: Params.ReportsSummary, today: String = WallClock.today
    ) throws -> Results.ReportsSummary {
        let p = Period(from: params.from, to: params.to)
        let eventsInPeriod = "SELECT id FROM events WHERE starts_on BETWEEN ? AND ? AND status <> 'cancelled'"
        let period: [SQLValue] = [.text(p.from), .text(p.to)]
        let requestPeriod: [SQLValue] = [.text(p.from), .text(p.to + "T23:59:59.999Z")]
        let served =
            try db.scalar(
                """
                SELECT count(*) FROM (SELECT company_id FROM requests WHERE created_at BETWEEN ? AND ?
                                      UNION SELECT company_id FROM participations WHERE event_id IN (\(eventsInPeriod))) AS served
                """, requestPeriod + period) ?? 0
        let (contracts, value) = try contractTotals(db, events: eventsInPeriod, period)
        let requests =
            try counts(
                db, "SELECT status, count(*) FROM requests WHERE created_at BETWEEN ? AND ? GROUP BY status",
                requestPeriod
            ).objectValue ?? [:]
        func n(_ key: String) -> Int64 { requests[key]?.int64Value ?? 0 }
        let answered = try p.bounds(db, datesSQL: summaryDates)
        let details = try requestDetails(db, p)
        func grouped(_ sql: String, _ args: [SQLValue]) throws -> JSONObject {
            try counts(db, sql, args).objectValue ?? [:]
        }
        let h = try internshipHeadlines(db, p, scope: InternshipScope(today: today))
        return Results.ReportsSummary(
            period: .init(from: answered.0, to: answered.1),
            companiesServed: served,
            events: .init(
                total: try db.scalar("SELECT count(*) FROM (\(eventsInPeriod)) AS e", period) ?? 0,
                byKind: try grouped(
                    "SELECT kind, count(*) FROM events WHERE id IN (\(eventsInPeriod)) GROUP BY kind", period),
                byCountry: try grouped(
                    "SELECT country, count(*) FROM events WHERE id IN (\(eventsInPeriod)) GROUP BY country", period)),
            participations: .init(
                byStatus: try grouped(
                    "SELECT status, count(*) FROM participations WHERE event_id IN (\(eventsInPeriod)) GROUP BY status",
                    period)),
            contracts: .init(signed: contracts, value: value.money),
            requests: .init(
                total: requests.reduce(0) { $0 + ($1.value.int64Value ?? 0) }, resolved: n("resolved"),
                rejected: n("rejected"), inWork: n("new") + n("assigned") + n("in_progress"),
                byService: details.byService, byChannel: details.byChannel, resolutionDays: details.resolutionDays),
            // Strategies by status as they stand (a strategy has no single date in the period).
            strategies: .init(byStatus: try grouped("SELECT status, count(*) FROM strategies GROUP BY status", [])),
            internships: .init(
                agreementsActive: h.agreementsActive, hostCompanies: h.hostCompanies, studentsPlaced: h.studentsPlaced,
                placementsByStatus: h.placementsByStatus, placementsBySpecialty: h.placementsBySpecialty,
                agreementsByInstitutionKind: h.agreementsByInstitutionKind),
            byYear: try years(
                db, answered, spanned: try Period(from: nil, to: nil).bounds(db, datesSQL: summaryDates)))
    }

    /// Whose internship data a report counts: everything, or one partner's own (SPEC §11).
    public struct InternshipScope: Sendable {
        public var institutionID: String?
        public var companyID: String?
        public var today: String
        public init(institutionID: String? = nil, companyID: String? = nil, today: String) {
            self.institutionID = institutionID
            self.companyID = companyID
            self.today = today
        }

        /// SQL conditions on placements (p.) for the scope.
        func placementClauses(_ args: inout [SQLValue]) -> String {
            var sql = ""
            if let institutionID {
                sql += " AND p.institution_id = ?"
                args.append(.text(institutionID))
            }
            if let companyID {
                sql += " AND p.company_id = ?"
                args.append(.text(companyID))
            }
            return sql
        }
    }

    /// Statuses of a placement that actually hosted (or hosts) the student.
    static let placedStatuses = "('confirmed', 'active', 'completed', 'terminated')"

    /// The internship figures of the summary. Placements belong to the period they start in. Agreements are
    /// counted when in force on at least one day of the period; an open end of the period is today for them,
    /// so without a period it is the agreements active today.
    static func internshipHeadlines(_ db: any SQLDatabase, _ p: Period, scope: InternshipScope) throws -> Headlines {
        var args: [SQLValue] = [.text(p.from), .text(p.to)]
        let scopeSQL = scope.placementClauses(&args)
        let inPeriod = "FROM placements p WHERE p.starts_on BETWEEN ? AND ?" + scopeSQL
        let placed = inPeriod + " AND p.status IN \(placedStatuses)"
        var agreementArgs: [SQLValue] = [
            .text(p.asked.to ?? scope.today), .text(p.asked.from ?? scope.today),
        ]
        var agreementScope = ""
        if let institution = scope.institutionID {
            agreementScope = " AND a.institution_id = ?"
            agreementArgs.append(.text(institution))
        }
        if scope.companyID != nil { agreementScope += " AND FALSE" }
        let agreements =
            "FROM agreements a JOIN institutions i ON i.id = a.institution_id WHERE a.valid_from <= ? AND a.ends_on >= ?"
            + agreementScope
        return Headlines(
            agreementsActive: try db.scalar("SELECT count(*) \(agreements)", agreementArgs) ?? 0,
            hostCompanies: try db.scalar("SELECT count(DISTINCT p.company_id) \(placed)", args) ?? 0,
            studentsPlaced: try db.scalar("SELECT count(DISTINCT p.student_id) \(placed)", args) ?? 0,
            placementsByStatus: try counts(db, "SELECT p.status, count(*) \(inPeriod) GROUP BY p.status", args)
                .objectValue ?? [:],
            placementsBySpecialty: try counts(
                db,
                "SELECT s.specialty, count(*) FROM placements p JOIN students s\(db.dialect.indexedBy("students_specialty")) ON s.id = p.student_id WHERE p.starts_on BETWEEN ? AND ?\(scopeSQL) AND p.status IN \(placedStatuses) GROUP BY s.specialty",
                args
            ).objectValue ?? [:],
            agreementsByInstitutionKind: try counts(
                db, "SELECT i.kind, count(*) \(agreements) GROUP BY i.kind", agreementArgs
            ).objectValue ?? [:])
    }

    /// The internship figures both reports.summary and reports.internships show (each result type has its own
    /// copy of them, generated from its schema).
    struct Headlines {
        let agreementsActive, hostCompanies, studentsPlaced: Int64
        let placementsByStatus, placementsBySpecialty, agreementsByInstitutionKind: JSONObject
    }

    /// Per event of the period: its participations by status and the contracts its attendees signed.
    public static func events(_ db: any SQLDatabase, _ params: Params.ReportsEvents) throws -> Results.ReportsEvents {
        let p = Period(from: params.from, to: params.to)
        var items: [Results.ReportsEvents.Item] = []
        var rows: [Records.Event] = []
        try db.query(
            "SELECT data FROM events WHERE starts_on BETWEEN ? AND ? ORDER BY starts_on, id",
            [.text(p.from), .text(p.to)]
        ) { s in
            let stored = try s.withBytes(0) { try JSONParser.parse($0) }.objectValue ?? JSONObject()
            rows.append(try EventRepository.records.typed(stored))
        }
        for event in rows {
            let id = event.id
            var contracts: Int64 = 0
            var value = MoneyTotals()
            try db.query(
                """
                SELECT \(db.dialect.json("data", "results.contractsSigned")), \(db.dialect.json("data", "results.contractsValue.amount")),
                       \(db.dialect.json("data", "results.contractsValue.currency")) FROM participations WHERE event_id = ? AND status = 'attended'
                """, [.text(id)]
            ) { s in
                contracts += s.int64(0)
                if let amount = s.text(1), let currency = s.text(2) { value.add(amount, currency) }
            }
            let participations = try counts(
                db, "SELECT status, count(*) FROM participations WHERE event_id = ? GROUP BY status", [.text(id)])
            items.append(
                Results.ReportsEvents.Item(
                    id: id, kind: event.kind.rawValue, title: event.title, country: event.country, city: event.city,
                    startsOn: event.startsOn, endsOn: event.endsOn, status: event.status.rawValue,
                    capacity: event.capacity, participations: participations.objectValue ?? JSONObject(),
                    contractsSigned: contracts, contractsValue: value.money))
        }
        let (from, to) = try p.bounds(db, datesSQL: "SELECT starts_on AS d FROM events")
        return Results.ReportsEvents(period: .init(from: from, to: to), items: items)
    }
}
