import ExportDeskSchemas
import JSON
import Storage
import Support

extension Reports {
    /// reports.internships: the summary's internship figures, then per institution and per host company
    /// placements by status and students placed, and what completed placements produced.
    public static func internships(
        _ db: any SQLDatabase, _ params: Params.ReportsInternships, scope: InternshipScope
    ) throws -> Results.ReportsInternships {
        let p = Period(from: params.from, to: params.to)
        var args: [SQLValue] = [.text(p.from), .text(p.to)]
        let scopeSQL = scope.placementClauses(&args)
        let inPeriod = "WHERE p.starts_on BETWEEN ? AND ?" + scopeSQL
        /// Per institution or company: placements by status and students placed, counted from the placements
        /// index alone, then named with one lookup per institution or company (not per placement).
        struct Row {
            var name = "", kind: String?, byStatus: [(String, Int64)] = [], studentsPlaced: Int64 = 0
            var placementsByStatus: JSONObject { JSONObject(byStatus.map { ($0, .number(.int($1))) }) }
        }
        func grouped(_ keyColumn: String, _ table: String, kind: Bool) throws -> [(String, Row)] {
            var rows: [String: Row] = [:]
            try db.query("SELECT \(keyColumn), p.status, count(*) FROM placements p \(inPeriod) GROUP BY 1, 2", args) {
                s in
                rows[s.text(0) ?? "", default: Row()].byStatus.append((s.text(1) ?? "", s.int64(2)))
            }
            try db.query(
                "SELECT \(keyColumn), count(DISTINCT p.student_id) FROM placements p \(inPeriod) AND p.status IN \(placedStatuses) GROUP BY 1",
                args
            ) { s in
                rows[s.text(0) ?? ""]?.studentsPlaced = s.int64(1)
            }
            try db.query(
                "SELECT t.id, \(db.dialect.json("t.data", "name"))\(kind ? ", t.kind" : "") FROM \(table) t WHERE t.id IN (SELECT DISTINCT \(keyColumn) FROM placements p \(inPeriod))",
                args
            ) { s in
                let key = s.text(0) ?? ""
                rows[key]?.name = s.text(1) ?? ""
                if kind { rows[key]?.kind = s.text(2) ?? "" }
            }
            return rows.sorted { ($0.value.name, $0.key) < ($1.value.name, $1.key) }.map { ($0.key, $0.value) }
        }
        let byInstitution = try grouped("p.institution_id", "institutions", kind: true).map { id, row in
            Results.ReportsInternships.ByInstitutionItem(
                institutionId: id, name: row.name,
                kind: try row.kind.map {
                    try TypedRecords.decode(Results.ReportsInternships.ByInstitutionItem.Kind.self, .string($0))
                },
                placementsByStatus: row.placementsByStatus, studentsPlaced: row.studentsPlaced)
        }
        let byCompany = try grouped("p.company_id", "companies", kind: false).map { id, row in
            Results.ReportsInternships.ByCompanyItem(
                companyId: id, name: row.name, placementsByStatus: row.placementsByStatus,
                studentsPlaced: row.studentsPlaced)
        }
        var completed: Int64 = 0
        var hours: Int64 = 0
        var grades: Int64 = 0
        try db.query(
            "SELECT \(db.dialect.json("p.data", "completion.hours")), \(db.dialect.json("p.data", "completion.grade")) FROM placements p \(inPeriod) AND p.status = 'completed'",
            args
        ) { s in
            completed += 1
            hours += s.int64(0)
            grades += s.int64(1)
        }
        let (from, to) = try p.bounds(
            db, datesSQL: "SELECT p.starts_on AS d FROM placements p WHERE TRUE" + scopeSQL, Array(args.dropFirst(2)))
        let h = try internshipHeadlines(db, p, scope: scope)
        return Results.ReportsInternships(
            period: .init(from: from, to: to),
            summary: .init(
                agreementsActive: h.agreementsActive, hostCompanies: h.hostCompanies, studentsPlaced: h.studentsPlaced,
                placementsByStatus: h.placementsByStatus, placementsBySpecialty: h.placementsBySpecialty,
                agreementsByInstitutionKind: h.agreementsByInstitutionKind),
            byInstitution: byInstitution, byCompany: byCompany,
            completion: .init(
                placements: completed, hours: hours,
                averageGrade: completed > 0 ? JSONNumber((Double(grades * 100 / completed)) / 100) : nil))
    }
}
