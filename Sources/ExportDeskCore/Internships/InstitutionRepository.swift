import ExportDeskSchemas
import JSON
import Storage

/// Colleges and universities of the internship programme (SPEC §6).
public enum InstitutionRepository {
    public static let records = RecordTable<Records.Institution>(
        table: "institutions", entity: "institution", prefix: "in",
        columns: [
            ("status", { .text($0.status.rawValue) }),
            ("kind", { .text($0.kind.rawValue) }),
            ("name_key", { .text($0.name.lowercased()) }),
            ("text_key", { .text(TextIndex.words([$0.name, $0.city])) }),
        ])
    static let mutableFields: Set<String> = ["name", "kind", "inn", "city", "website", "contacts", "externalRef"]
    public static let lifecycle = Lifecycle(
        entity: "institution", verbs: ["archive", "restore"],
        transitions: [
            "archive": ["active": "archived"], "restore": ["archived": "active"],
        ])

    static func checkINN(_ r: Records.Institution, path: String) throws {
        if let inn = r.inn, !TaxIDs.isValidINN(inn) {
            throw DomainError.invalidParams(
                path: path + "/inn", keyword: "checksum", "is not a valid INN: its check digit does not match")
        }
    }

    public static func create(_ ctx: WriteContext, _ p: Params.InstitutionsCreate) throws -> JSONValue {
        var record = TypedRecords.fields(of: p, mutableFields)
        record.recordStatus = Records.Institution.Status.active.rawValue
        return .object(try records.insert(ctx, record) { try checkINN($0, path: "") })
    }

    public static func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, expectedVersion: Int64?
    ) throws -> JSONValue {
        .object(
            try records.update(
                ctx, id: id, patch: patch, mutableFields: mutableFields, expectedVersion: expectedVersion
            ) { patched in
                try checkINN(patched, path: "/patch")
            })
    }

    public static func transition(
        _ ctx: WriteContext, verb: String, id: String, expectedVersion: Int64?
    ) throws -> JSONValue {
        .object(
            try records.transition(
                ctx, id: id, verb: verb, lifecycle: lifecycle, expectedVersion: expectedVersion,
                op: verb == "archive" ? .deleted : .updated))
    }

    public static func list(
        _ db: any SQLDatabase, _ p: Params.InstitutionsList, only: String?
    ) throws -> ListPage<Records.Institution> {
        var f = ListFilter()
        f.equal("status", (p.filter?.status ?? .active).rawValue)
        f.equal("kind", p.filter?.kind)
        f.words(p.filter?.q)
        f.equal("id", only)
        return try records.page(db, f, sortColumn: "name_key", sortName: "name", list: p)
    }
}
