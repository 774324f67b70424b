import ExportDeskSchemas
import JSON
import Storage

/// Staff: the centre's curators and managers (SPEC §5). E-mail is unique among staff.
public enum StaffRepository {
    public static let records = RecordTable<Records.Staff>(
        table: "staff", entity: "staff", prefix: "sf",
        columns: [
            ("email_key", { .text($0.email.lowercased()) }),
            ("active", { .integer($0.active ? 1 : 0) }),
            ("name_key", { .text($0.name.lowercased()) }),
        ])
    static let mutableFields: Set<String> = ["name", "email", "position"]
    /// active → inactive; a deactivated staff member keeps their history.
    static let lifecycle = Lifecycle(
        entity: "staff member", verbs: ["deactivate"], transitions: ["deactivate": ["active": "inactive"]])

    public static func create(_ ctx: WriteContext, _ p: Params.StaffCreate) throws -> JSONValue {
        var record = TypedRecords.fields(of: p, mutableFields)
        record["active"] = true
        return .object(
            try records.insert(ctx, record) { staff in try checkUniqueEmail(ctx.db, staff.email, except: staff.id) })
    }

    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONValue {
        .object(
            try records.update(
                ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion
            ) { staff in try checkUniqueEmail(ctx.db, staff.email, except: id) })
    }

    /// A deactivated staff member keeps their history but can no longer be given requests.
    public static func deactivate(_ ctx: WriteContext, id: String, expectedVersion: Int64?) throws -> JSONValue {
        guard case (let rowid, var record)? = try records.load(ctx.db, id: id) else {
            throw DomainError.notFound(entity: "staff", id: id)
        }
        // The lifecycle's state is the record's `active` flag.
        let next = try lifecycle.apply("deactivate", to: try records.typed(record).active ? "active" : "inactive")
        try Versions.check(record, expectedVersion: expectedVersion)
        record["active"] = .bool(next == "active")
        try records.save(ctx, rowid: rowid, &record, op: .deleted)
        return .object(record)
    }

    /// Ordered by name, with the keyset pagination and envelope every list has (SPEC §4).
    public static func list(_ db: any SQLDatabase, _ p: Params.StaffList) throws -> ListPage<Records.Staff> {
        var f = ListFilter()
        if let active = p.filter?.active { f.equal("active", active ? 1 : 0) }
        if let q = p.filter?.q {
            let pattern = "%" + q.lowercased() + "%"
            f.add("(name_key LIKE ? OR email_key LIKE ?)", [.text(pattern), .text(pattern)])
        }
        return try records.page(db, f, sortColumn: "name_key", sortName: "name", list: p)
    }

    private static func checkUniqueEmail(_ db: any SQLDatabase, _ email: String, except id: String) throws {
        var other: String?
        try db.query(
            "SELECT id FROM staff WHERE email_key = ? AND id <> ?", [.text(email.lowercased()), .text(id)]
        ) { other = $0.text(0) }
        if let other {
            throw DomainError.duplicate(
                field: "email", existingId: other, "a staff member with e-mail \(email) exists: \(other)")
        }
    }
}
