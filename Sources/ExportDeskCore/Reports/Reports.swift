import JSON
import SQLiteStore

/// The centre's headline figures (SPEC §9), counted from the data for a period (dates inclusive).
///
/// Periods: an event belongs to the period it starts in, and so do its participations and their results;
/// a support request belongs to the period it was submitted in.
public enum Reports {
    struct Period {
        let from: String
        let to: String
        init(_ params: JSONValue) {
            from = params["from"]?.stringValue ?? "0000-01-01"
            to = params["to"]?.stringValue ?? "9999-12-31"
        }
    }

    /// Exact sums of decimal amounts with up to two fraction digits, per currency.
    struct MoneyTotals {
        private var cents: [String: Int64] = [:]
        mutating func add(_ amount: String, _ currency: String) {
            let negative = amount.hasPrefix("-")
            let parts = amount.drop { $0 == "-" }.split(separator: ".", omittingEmptySubsequences: false)
            let whole = Int64(parts.first ?? "0") ?? 0
            let fraction = parts.count > 1 ? Int64(String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0).prefix(2)) ?? 0 : 0
            cents[currency, default: 0] += (whole * 100 + fraction) * (negative ? -1 : 1)
        }
        var json: JSONValue {
            .array(cents.keys.sorted().map { currency in
                let c = cents[currency]!, sign = c < 0 ? "-" : "", v = abs(c)
                return ["currency": .string(currency), "amount": .string("\(sign)\(v / 100).\(v % 100 < 10 ? "0" : "")\(v % 100)")]
            })
        }
    }

    static func counts(_ db: Connection, _ sql: String, _ args: [SQLValue]) throws -> JSONValue {
        var o = JSONObject()
        try db.query(sql, args) { s in o[s.text(0) ?? ""] = .number(.int(s.int64(1))) }
        return .object(o)
    }

    public static func summary(_ db: Connection, params: JSONValue) throws -> JSONValue {
        let p = Period(params)
        let eventsInPeriod = "SELECT id FROM events WHERE starts_on BETWEEN ? AND ? AND status <> 'cancelled'"
        let period: [SQLValue] = [.text(p.from), .text(p.to)]
        let requestPeriod: [SQLValue] = [.text(p.from), .text(p.to + "T23:59:59.999Z")]
        let served = try db.scalar("""
            SELECT count(*) FROM (SELECT company_id FROM requests WHERE created_at BETWEEN ? AND ?
                                  UNION SELECT company_id FROM participations WHERE event_id IN (\(eventsInPeriod)))
            """, requestPeriod + period) ?? 0
        var contracts: Int64 = 0
        var value = MoneyTotals()
        try db.query("""
            SELECT json_extract(data, '$.results.contractsSigned'), json_extract(data, '$.results.contractsValue.amount'),
                   json_extract(data, '$.results.contractsValue.currency')
            FROM participations WHERE status = 'attended' AND event_id IN (\(eventsInPeriod))
            """, period) { s in
            contracts += s.int64(0)
            if let amount = s.text(1), let currency = s.text(2) { value.add(amount, currency) }
        }
        let requests = try counts(db, "SELECT status, count(*) FROM requests WHERE created_at BETWEEN ? AND ? GROUP BY status", requestPeriod)
        func n(_ key: String) -> Int64 { requests[key]?.int64Value ?? 0 }
        return [
            "period": ["from": .string(p.from), "to": .string(p.to)],
            "companiesServed": .number(.int(served)),
            "events": [
                "total": .number(.int(try db.scalar("SELECT count(*) FROM (\(eventsInPeriod))", period) ?? 0)),
                "byKind": try counts(db, "SELECT kind, count(*) FROM events WHERE id IN (\(eventsInPeriod)) GROUP BY kind", period),
                "byCountry": try counts(db, "SELECT country, count(*) FROM events WHERE id IN (\(eventsInPeriod)) GROUP BY country", period),
            ],
            "participations": ["byStatus": try counts(db, "SELECT status, count(*) FROM participations WHERE event_id IN (\(eventsInPeriod)) GROUP BY status", period)],
            "contracts": ["signed": .number(.int(contracts)), "value": value.json],
            "requests": ["total": .number(.int(requests.objectValue?.reduce(0) { $0 + ($1.value.int64Value ?? 0) } ?? 0)),
                         "resolved": .number(.int(n("resolved"))), "rejected": .number(.int(n("rejected"))),
                         "inWork": .number(.int(n("new") + n("assigned") + n("in_progress")))],
            // Strategies by status as they stand (a strategy has no single date in the period).
            "strategies": ["byStatus": try counts(db, "SELECT status, count(*) FROM strategies GROUP BY status", [])],
            // Filled in as the internship programme is built.
            "internships": ["agreementsActive": 0, "hostCompanies": 0, "studentsPlaced": 0, "placementsByStatus": [:], "placementsBySpecialty": [:]],
        ]
    }

    /// Per event of the period: its participations by status and the contracts its attendees signed.
    public static func events(_ db: Connection, params: JSONValue) throws -> JSONValue {
        let p = Period(params)
        var items: [JSONValue] = []
        var rows: [JSONObject] = []
        try db.query("SELECT data FROM events WHERE starts_on BETWEEN ? AND ? ORDER BY starts_on, id", [.text(p.from), .text(p.to)]) { s in
            rows.append(try s.withBytes(0) { try JSONParser.parse($0) }.objectValue ?? JSONObject())
        }
        for event in rows {
            let id = event["id"]?.stringValue ?? ""
            var contracts: Int64 = 0
            var value = MoneyTotals()
            try db.query("""
                SELECT json_extract(data, '$.results.contractsSigned'), json_extract(data, '$.results.contractsValue.amount'),
                       json_extract(data, '$.results.contractsValue.currency') FROM participations WHERE event_id = ? AND status = 'attended'
                """, [.text(id)]) { s in
                contracts += s.int64(0)
                if let amount = s.text(1), let currency = s.text(2) { value.add(amount, currency) }
            }
            var item: JSONObject = [:]
            for key in ["id", "kind", "title", "country", "city", "startsOn", "endsOn", "status", "capacity"] { item[key] = event[key] }
            item["participations"] = try counts(db, "SELECT status, count(*) FROM participations WHERE event_id = ? GROUP BY status", [.text(id)])
            item["contractsSigned"] = .number(.int(contracts))
            item["contractsValue"] = value.json
            items.append(.object(item))
        }
        return ["period": ["from": .string(p.from), "to": .string(p.to)], "items": .array(items)]
    }
}
