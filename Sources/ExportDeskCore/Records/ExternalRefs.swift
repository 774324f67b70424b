import ExportDeskSchemas
import JSON
import Storage

/// Partner sync by `externalRef` (SPEC §4, §7), for tables that carry `ext_system`/`ext_id` columns.
extension RecordTable {
    /// The record with this externalRef, if any.
    public func load(
        _ db: any SQLDatabase, externalRef ref: Records.ExternalRef
    ) throws -> (rowid: Int64, record: JSONObject)? {
        var found: (Int64, JSONObject)?
        try db.query(
            "SELECT rowid, data FROM \(table) WHERE ext_system = ? AND ext_id = ?", [.text(ref.system), .text(ref.id)]
        ) { s in
            found = (s.int64(0), try s.withBytes(1) { try JSONParser.parse($0) }.objectValue ?? JSONObject())
        }
        return found
    }

    /// The id of the record with this externalRef, if any.
    func id(_ db: any SQLDatabase, externalRef ref: Records.ExternalRef) throws -> String? {
        var found: String?
        try db.query(
            "SELECT id FROM \(table) WHERE ext_system = ? AND ext_id = ?", [.text(ref.system), .text(ref.id)]
        ) { found = $0.text(0) }
        return found
    }

    /// DUPLICATE when another record of this table than `id` has the same externalRef.
    public func checkExternalRef(_ db: any SQLDatabase, _ ref: Records.ExternalRef?, id: String) throws {
        guard let ref, let otherID = try self.id(db, externalRef: ref), otherID != id else { return }
        throw DomainError.duplicate(
            field: "externalRef", existingId: otherID, "externalRef \(ref.system)/\(ref.id) belongs to \(otherID)")
    }
}

/// What an upsert did (SPEC §7).
public enum UpsertOutcome: String, Sendable { case created, updated, unchanged }

/// The upsert of SPEC §7 and §11, written once for every synced entity: the record with `fields.externalRef`
/// is created when absent; otherwise the mutable fields the upsert carries that differ are applied as one
/// update (fields it leaves out are kept), or nothing happens and the outcome is `unchanged`. Fields that
/// cannot change (`immutable`, e.g. a student's institution) must match.
public struct Upsert<Record: Sendable & JSONReadable & JSONWritable>: Sendable {
    public let table: RecordTable<Record>
    public let mutableFields: Set<String>
    public let immutable: [String]
    public let create: @Sendable (WriteContext, JSONObject) throws -> JSONObject
    public let update:
        @Sendable (WriteContext, _ id: String, _ patch: JSONObject, _ expectedVersion: Int64?) throws -> JSONObject

    public init(
        table: RecordTable<Record>, mutableFields: Set<String>, immutable: [String],
        create: @escaping @Sendable (WriteContext, JSONObject) throws -> JSONObject,
        update: @escaping @Sendable (WriteContext, String, JSONObject, Int64?) throws -> JSONObject
    ) {
        self.table = table
        self.mutableFields = mutableFields
        self.immutable = immutable
        self.create = create
        self.update = update
    }

    public func run(
        _ ctx: WriteContext, fields: JSONObject, expectedVersion: Int64?
    ) throws -> (UpsertOutcome, JSONObject) {
        let ref = try fields["externalRef"].map {
            try TypedRecords.decodeWritten(Records.ExternalRef.self, $0, path: "/externalRef")
        }
        guard let ref, let (_, current) = try table.load(ctx.db, externalRef: ref) else {
            if let expectedVersion {
                throw DomainError.versionConflict(
                    current: 0, "expectedVersion is \(expectedVersion), but no \(table.entity) has this externalRef yet"
                )
            }
            return (.created, try create(ctx, fields))
        }
        let id = current.recordID
        for key in immutable where fields[key] != nil && fields[key] != current[key] {
            throw DomainError.invalidParams(
                path: "/\(key)", keyword: "const",
                "cannot change on an existing \(table.entity) (\(id) has \(current[key].map { $0.serializedString() } ?? "none"))"
            )
        }
        var patch = JSONObject()
        for (key, value) in fields where mutableFields.contains(key) && current[key] != value { patch[key] = value }
        if patch.isEmpty {
            try Versions.check(current, expectedVersion: expectedVersion)
            return (.unchanged, current)
        }
        return (.updated, try update(ctx, id, patch, expectedVersion))
    }
}
