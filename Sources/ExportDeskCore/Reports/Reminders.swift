import ExportDeskSchemas
import JSON
import Storage
import Support

/// `reminders.list {withinDays?}`: what needs attention soon, each item with its kind, record and due date,
/// soonest first. A partner's list holds only its own records (an institution: its agreements and its
/// students' placements; a company: placements at its offers, its requests and strategies); events are
/// public programme information for everyone.
public enum Reminders {
    /// Who asks: nil bounds for the programme's people.
    public struct Scope: Sendable {
        public var institutionID: String?
        public var companyID: String?
        public init(institutionID: String? = nil, companyID: String? = nil) {
            self.institutionID = institutionID
            self.companyID = companyID
        }
        var isPartner: Bool { institutionID != nil || companyID != nil }
    }

    public typealias Item = Results.RemindersList.Item

    public static func list(
        _ db: any SQLDatabase, _ p: Params.RemindersList, scope: Scope, today: String = WallClock.today
    ) throws -> Results.RemindersList {
        let within = p.withinDays ?? 14
        let until = WallClock.date(Timestamps.millis(fromRFC3339: today + "T12:00:00.000Z")! + within * 86_400_000)
        var items: [Item] = []
        func item(
            _ kind: Item.Kind, _ entity: Item.Entity, _ id: String?, _ due: String?, _ title: String?,
            placementsPastEnd: [String]? = nil, actionKey: String? = nil
        ) {
            guard let id, let due else { return }
            items.append(
                Item(
                    kind: kind, entity: entity, id: id, due: String(due.prefix(10)), title: title ?? id,
                    placementsPastEnd: placementsPastEnd, actionKey: actionKey))
        }
        // Application deadlines of open events within the window.
        try db.query(
            """
            SELECT id, \(db.dialect.json("data", "applicationDeadline")), \(db.dialect.json("data", "title")) FROM events
            WHERE status = 'open' AND \(db.dialect.json("data", "applicationDeadline")) BETWEEN ? AND ?
            """, [.text(today), .text(until)]
        ) { s in item(.eventApplicationDeadline, .event, s.text(0), s.text(1), s.text(2)) }
        // Agreements ending within the window, with the live placements that run past their end.
        if scope.companyID == nil {
            var args: [SQLValue] = [.text(today), .text(until)]
            var sql =
                "SELECT id, ends_on, institution_id, \(db.dialect.json("data", "number")) FROM agreements WHERE ends_on BETWEEN ? AND ?"
            if let institution = scope.institutionID {
                sql += " AND institution_id = ?"
                args.append(.text(institution))
            }
            var ending: [(String, String, String, String?)] = []
            try db.query(sql + " ORDER BY ends_on, id", args) { s in
                ending.append((s.text(0) ?? "", s.text(1) ?? "", s.text(2) ?? "", s.text(3)))
            }
            for (id, ends, institution, number) in ending {
                var past: [String] = []
                try db.query(
                    """
                    SELECT id FROM placements WHERE institution_id = ? AND status IN ('proposed', 'confirmed', 'active') AND ends_on > ?
                    ORDER BY starts_on, id
                    """, [.text(institution), .text(ends)]
                ) { s in if let p = s.text(0) { past.append(p) } }
                item(.agreementEnds, .agreement, id, ends, number.map { "Договор \($0)" }, placementsPastEnd: past)
            }
        }
        // Placements starting within the window that are not confirmed yet.
        var args: [SQLValue] = [.text(today), .text(until)]
        var sql = "SELECT id, starts_on FROM placements p WHERE status = 'proposed' AND starts_on BETWEEN ? AND ?"
        if let institution = scope.institutionID {
            sql += " AND p.institution_id = ?"
            args.append(.text(institution))
        }
        if let company = scope.companyID {
            sql += " AND p.company_id = ?"
            args.append(.text(company))
        }
        try db.query(sql, args) { s in item(.placementUnconfirmed, .placement, s.text(0), s.text(1), nil) }
        // Requests waiting for a curator (due since they came in), for the programme and the company that asked.
        if scope.institutionID == nil {
            var args: [SQLValue] = []
            var sql = "SELECT id, created_at, \(db.dialect.json("data", "subject")) FROM requests WHERE status = 'new'"
            if let company = scope.companyID {
                sql += " AND company_id = ?"
                args.append(.text(company))
            }
            try db.query(sql, args) { s in item(.requestUnassigned, .request, s.text(0), s.text(1), s.text(2)) }
            // Actions of approved strategies that are past due and neither done nor dropped.
            args = [.text(today)]
            sql = """
                SELECT s.id, \(db.dialect.json("a.value", "dueOn")), \(db.dialect.json("a.value", "title")), \(db.dialect.json("a.value", "key"))
                FROM strategies s, \(db.dialect.jsonEach("s.data", "actions", as: "a"))
                WHERE s.status = 'approved' AND \(db.dialect.json("a.value", "dueOn")) < ?
                  AND \(db.dialect.json("a.value", "status")) IN ('planned', 'in_progress')
                """
            if let company = scope.companyID {
                sql += " AND s.company_id = ?"
                args.append(.text(company))
            }
            try db.query(sql, args) { s in
                item(.strategyActionOverdue, .strategy, s.text(0), s.text(1), s.text(2), actionKey: s.text(3))
            }
        }
        items.sort { ($0.due, $0.id) < ($1.due, $1.id) }
        return Results.RemindersList(today: today, until: until, items: items)
    }
}
