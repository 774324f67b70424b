import ExportDeskSchemas
import JSON
import Storage

/// Students of partner institutions (SPEC §6). birthDate, email and phone are personal data (SPEC §8): they
/// are stored and returned to the programme and the student's institution, never logged, and a host company
/// sees only `reducedForCompany`.
public enum StudentRepository {
    public static let records = RecordTable<Records.Student>(
        table: "students", entity: "student", prefix: "su",
        synced: [
            ("institution_id", { .text($0.institutionId) }),
            ("specialty", { .text($0.specialty) }),
            ("course", { .integer($0.course ?? 0) }),
            ("name_key", { .text($0.fullName.lowercased()) }),
            ("text_key", { .text(TextIndex.words([$0.fullName, $0.specialty])) }),
        ])
    public static let mutableFields: Set<String> = [
        "fullName", "birthDate", "specialty", "course", "email", "phone", "externalRef",
    ]

    /// What a host company may know of a student placed or proposed at its offers.
    public static func reducedForCompany(_ r: JSONObject) -> JSONObject {
        var reduced = JSONObject()
        for key in ["id", "fullName", "specialty", "institutionId"] { reduced[key] = r[key] }
        return reduced
    }

    public static func create(_ ctx: WriteContext, _ p: Params.StudentsCreate) throws -> JSONObject {
        guard let institutionID = p.institutionId ?? ctx.principal?.institutionID else {
            throw DomainError.invalidParams(
                path: "/institutionId", keyword: "required", "is required (only an institution token may leave it out)")
        }
        try ctx.requireScope(institutionID: institutionID, entity: "institution", id: institutionID)
        if try InstitutionRepository.records.record(ctx.db, id: institutionID).status != .active {
            throw DomainError.ruleViolation(
                .institutionArchived, "institution \(institutionID) is archived and takes no new students",
                ["institutionId": .string(institutionID)])
        }
        var record: JSONObject = ["institutionId": .string(institutionID)]
        for (k, v) in TypedRecords.fields(of: p, mutableFields) { record[k] = v }
        return try records.insert(ctx, record) { student in
            try records.checkExternalRef(ctx.db, student.externalRef, id: student.id)
        }
    }

    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONObject {
        try records.update(
            ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion,
            before: { current in
                try ctx.requireScope(institutionID: current.institutionId, entity: "student", id: id)
            },
            validate: { student in try records.checkExternalRef(ctx.db, student.externalRef, id: id) })
    }

    public static let upsert = Upsert(
        table: records, mutableFields: mutableFields, immutable: ["institutionId"],
        create: { ctx, fields in try create(ctx, TypedRecords.params(Params.StudentsCreate.self, fields)) },
        update: { ctx, id, patch, version in try update(ctx, id: id, patch: patch, expectedVersion: version) })

    /// Filters institutionId, specialty, course, q. `onlyInstitution` for an institution token; `onlyCompany`
    /// for a company token, which lists only students placed or proposed at its offers.
    public static func list(
        _ db: any SQLDatabase, _ p: Params.StudentsList, onlyInstitution: String?, onlyCompany: String?
    ) throws -> ListPage<Records.Student> {
        var f = ListFilter()
        f.equal("institution_id", p.filter?.institutionId)
        f.equal("institution_id", onlyInstitution)
        if let onlyCompany {
            f.add("id IN (SELECT student_id FROM placements WHERE company_id = ?)", [.text(onlyCompany)])
        }
        f.equal("specialty", p.filter?.specialty)
        f.equal("course", p.filter?.course)
        f.words(p.filter?.q)
        let page = try records.page(db, f, sortColumn: "name_key", sortName: "fullName", list: p)
        return (onlyCompany == nil ? page : page.mapItems(reducedForCompany))
    }

    /// True when the company has a placement (any status) of this student at one of its offers.
    public static func isPlaced(_ db: any SQLDatabase, studentID: String, atCompany companyID: String) throws -> Bool {
        try db.scalar(
            "SELECT count(*) FROM placements WHERE student_id = ? AND company_id = ?",
            [.text(studentID), .text(companyID)]) ?? 0 > 0
    }
}

/// Synced by partners (SPEC §7): its table carries ext_system/ext_id.
extension Records.Student: SyncedRecord {}
