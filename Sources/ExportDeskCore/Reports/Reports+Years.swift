import ExportDeskSchemas
import JSON
import Storage

/// The summary's topics, channels, resolution times and by-year series (SPEC §14).
extension Reports {
    /// Requests of the period by service (topic) and channel, and the days from submission to resolution
    /// (median and 90th percentile, calendar days with one decimal) of those resolved in the period.
    static func requestDetails(
        _ db: any SQLDatabase, _ p: Period
    ) throws -> (
        byService: JSONObject, byChannel: JSONObject, resolutionDays: Results.ReportsSummary.Requests.ResolutionDays
    ) {
        let window: [SQLValue] = [.text(p.from), .text(p.to + "T23:59:59.999Z")]
        var days: [Double] = []
        try db.query(
            """
            SELECT r.created_at, max(c.at) FROM requests r JOIN changes c ON c.entity_id = r.id AND c.action = 'requests.resolve'
            WHERE r.status = 'resolved' GROUP BY r.id, r.created_at HAVING max(c.at) BETWEEN ? AND ?
            """, window
        ) { s in
            if let from = Timestamps.millis(fromRFC3339: s.text(0) ?? ""),
                let to = Timestamps.millis(fromRFC3339: s.text(1) ?? "")
            {
                days.append(Double(to - from) / 86_400_000)
            }
        }
        days.sort()
        func quantile(_ q: Double) -> JSONNumber? {
            guard !days.isEmpty else { return nil }
            let v = days[min(days.count - 1, max(0, Int((q * Double(days.count)).rounded(.up)) - 1))]
            return JSONNumber((v * 10).rounded() / 10)
        }
        return (
            byService: try counts(
                db, "SELECT service, count(*) FROM requests WHERE created_at BETWEEN ? AND ? GROUP BY service", window
            ).objectValue ?? [:],
            byChannel: try counts(
                db,
                "SELECT \(db.dialect.json("data", "channel")), count(*) FROM requests WHERE created_at BETWEEN ? AND ? GROUP BY 1",
                window
            ).objectValue ?? [:],
            resolutionDays: .init(count: Int64(days.count), median: quantile(0.5), p90: quantile(0.9))
        )
    }

    /// Contracts signed by the attendees of `events` (a query of event ids), and their value per currency.
    static func contractTotals(_ db: any SQLDatabase, events: String, _ args: [SQLValue]) throws -> (Int64, MoneyTotals)
    {
        var contracts: Int64 = 0
        var value = MoneyTotals()
        try db.query(
            """
            SELECT \(db.dialect.json("data", "results.contractsSigned")), \(db.dialect.json("data", "results.contractsValue.amount")),
                   \(db.dialect.json("data", "results.contractsValue.currency"))
            FROM participations WHERE status = 'attended' AND event_id IN (\(events))
            """, args
        ) { s in
            contracts += s.int64(0)
            if let amount = s.text(1), let currency = s.text(2) { value.add(amount, currency) }
        }
        return (contracts, value)
    }

    /// One row per year of the period (the answered period: the range the data spans when none was asked):
    /// events held (cancelled left out), companies that took part, contracts and their value per currency,
    /// requests received and resolved, placements starting, and students placed.
    /// Years outside `spanned` (the range the data spans) are left out, so that a period of 0001..9999 is
    /// not ten thousand rows of zeros.
    static func years(
        _ db: any SQLDatabase, _ period: (String?, String?), spanned: (String?, String?)
    ) throws -> [Results.ReportsSummary.ByYearItem] {
        guard let from = period.0, let to = period.1, let dataFrom = spanned.0, let dataTo = spanned.1,
            let first = Int(max(from, dataFrom).prefix(4)), let last = Int(min(to, dataTo).prefix(4)), first <= last
        else { return [] }
        var rows: [Results.ReportsSummary.ByYearItem] = []
        for year in first...last {
            let start = max(from, "\(year)-01-01")
            let end = min(to, "\(year)-12-31")
            let span: [SQLValue] = [.text(start), .text(end)]
            let events = "SELECT id FROM events WHERE starts_on BETWEEN ? AND ? AND status <> 'cancelled'"
            let (contracts, value) = try contractTotals(db, events: events, span)
            let requestSpan: [SQLValue] = [.text(start), .text(end + "T23:59:59.999Z")]
            func count(_ sql: String, _ args: [SQLValue]) throws -> Int64 { try db.scalar(sql, args) ?? 0 }
            rows.append(
                Results.ReportsSummary.ByYearItem(
                    year: Int64(year),
                    events: try count("SELECT count(*) FROM (\(events)) AS e", span),
                    participatingCompanies: try count(
                        "SELECT count(DISTINCT company_id) FROM participations WHERE status IN ('approved', 'attended') AND event_id IN (\(events))",
                        span),
                    contractsSigned: contracts,
                    contractsValue: value.money,
                    requestsReceived: try count(
                        "SELECT count(*) FROM requests WHERE created_at BETWEEN ? AND ?", requestSpan),
                    requestsResolved: try count(
                        """
                        SELECT count(*) FROM requests r WHERE r.status = 'resolved' AND
                          (SELECT max(at) FROM changes c WHERE c.entity_id = r.id AND c.action = 'requests.resolve') BETWEEN ? AND ?
                        """, requestSpan),
                    placements: try count("SELECT count(*) FROM placements WHERE starts_on BETWEEN ? AND ?", span),
                    studentsPlaced: try count(
                        "SELECT count(DISTINCT student_id) FROM placements WHERE starts_on BETWEEN ? AND ? AND status IN \(placedStatuses)",
                        span)))
        }
        return rows
    }
}
