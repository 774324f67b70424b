import ExportDeskSchemas
import JSON
import Storage

/// The storage pattern of a simple entity: the record as JSON, a few indexed columns computed from its
/// generated type (`Records.*`), versions, timestamps and the change log — written once here for every
/// entity that needs nothing more.
public struct RecordTable<Record: Sendable & JSONReadable & JSONWritable>: Sendable {
    public let table: String
    /// Singular, as in the change log ("staff", "request").
    public let entity: String
    public let prefix: String
    /// Indexed columns besides id/version/created_at/updated_at/data, each computed from the typed record.
    public let columns: [(name: String, value: @Sendable (Record) -> SQLValue)]
    /// The record as its type reads it, from the stored JSON (an agreement adds the status its dates give).
    let typedView: @Sendable (JSONObject) -> JSONObject
    /// Checks and side tables of an entity that keeps more than its row; nil for most.
    let hooks: RecordHooks<Record>?
    private let insertSQL: String
    private let updateSQL: String
    /// The position of `text_key` in `columns`: its words are kept in `record_words` (WordIndex).
    private let wordColumn: Int?
    /// The position in `columns` of the column whose records are counted per value in `record_counts`.
    private let countedColumn: Int?
    /// That column's name (RecordCounts).
    var counted: String? { countedColumn.map { columns[$0].name } }

    public init(
        table: String, entity: String, prefix: String, columns: [(name: String, value: @Sendable (Record) -> SQLValue)],
        typedView: @escaping @Sendable (JSONObject) -> JSONObject = { $0 }, hooks: RecordHooks<Record>? = nil,
        counted: String? = nil
    ) {
        self.table = table
        self.entity = entity
        self.prefix = prefix
        self.columns = columns
        self.typedView = typedView
        self.hooks = hooks
        wordColumn = columns.firstIndex { $0.name == "text_key" }
        // A name outside `columns` would leave counts that no write keeps, read as totals: a bug, caught here.
        countedColumn = counted.map { name in columns.firstIndex { $0.name == name }! }
        // Written once: every insert and save runs the same statement (the connection caches it prepared).
        let names = ["id", "version", "created_at", "updated_at", "data"] + columns.map(\.name)
        insertSQL =
            "INSERT INTO \(table)(\(names.joined(separator: ", "))) VALUES (\(names.map { _ in "?" }.joined(separator: ", ")))"
        let sets = ["version = ?", "updated_at = ?", "data = ?"] + columns.map { "\($0.name) = ?" }
        updateSQL = "UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE rowid = ?"
    }

    /// A synced table also carries `ext_system`/`ext_id` for lookups and uniqueness by externalRef.
    public init(
        table: String, entity: String, prefix: String,
        synced columns: [(name: String, value: @Sendable (Record) -> SQLValue)], hooks: RecordHooks<Record>? = nil,
        counted: String? = nil
    ) where Record: SyncedRecord {
        let system: @Sendable (Record) -> SQLValue = { ($0.externalRef?.system).sqlValue }
        let ext: @Sendable (Record) -> SQLValue = { ($0.externalRef?.id).sqlValue }
        self.init(
            table: table, entity: entity, prefix: prefix, columns: columns + [("ext_system", system), ("ext_id", ext)],
            hooks: hooks, counted: counted)
    }

    /// The stored record as its type.
    public func typed(_ record: JSONObject) throws -> Record { try TypedRecords.decode(Record.self, typedView(record)) }

    /// The record as its type, or NOT_FOUND.
    public func record(_ db: any SQLDatabase, id: String) throws -> Record { try typed(get(db, id: id)) }

    private func columnValues(_ r: Record) -> [SQLValue] { columns.map { $0.value(r) } }

    public func load(_ db: any SQLDatabase, id: String) throws -> (rowid: Int64, record: JSONObject)? {
        guard RecordID.prefix(of: id) == prefix else { return nil }
        var found: (Int64, JSONObject)?
        try db.query("SELECT rowid, data FROM \(table) WHERE id = ?", [.text(id)]) { s in
            found = (s.int64(0), try s.withBytes(1) { try JSONParser.parse($0) }.objectValue ?? JSONObject())
        }
        return found
    }

    /// One indexed column of a record (`columns`, or status), read without parsing the record: nil when absent.
    public func value(_ db: any SQLDatabase, id: String, column: String) throws -> String? {
        guard RecordID.prefix(of: id) == prefix else { return nil }
        var found: String?
        try db.query("SELECT \(column) FROM \(table) WHERE id = ?", [.text(id)]) { found = $0.text(0) }
        return found
    }

    /// The record as its row stores it (its JSON text, not parsed), or NOT_FOUND: what a get sends as it is.
    public func stored(_ db: any SQLDatabase, id: String) throws -> Stored<Record> {
        var found: [UInt8]?
        if RecordID.prefix(of: id) == prefix {
            try db.query("SELECT data FROM \(table) WHERE id = ?", [.text(id)]) { s in
                found = s.withBytes(0) { Array($0) }
            }
        }
        guard let found else { throw DomainError.notFound(entity: entity, id: id) }
        return Stored(serialized: found)
    }

    /// The record, or NOT_FOUND (also for an id of another kind).
    public func get(_ db: any SQLDatabase, id: String) throws -> JSONObject {
        guard let (_, record) = try load(db, id: id) else { throw DomainError.notFound(entity: entity, id: id) }
        return record
    }

    /// Stores a new record: id, version 1 and timestamps are added here; `validate` checks the record as its
    /// type (the rules JSON Schema cannot express); the change log gets `created`.
    public func insert(
        _ ctx: WriteContext, _ fields: JSONObject, validate: (Record) throws -> Void = { _ in }
    ) throws -> JSONObject {
        let id = RecordID.make(prefix, millis: ctx.nowMillis)
        var record: JSONObject = ["id": .string(id)]
        for (k, v) in fields { record[k] = v }
        record.recordVersion = 1
        record.stampCreated(ctx.now)
        let typedRecord = try TypedRecords.decodeWritten(Record.self, typedView(record), path: "")
        try validate(typedRecord)
        try hooks?.check(ctx.db, typedRecord)
        let values: [SQLValue] =
            [
                .text(id), .integer(1), .text(ctx.now), .text(ctx.now),
                .text(JSONValue.object(record).serializedString()),
            ] + columnValues(typedRecord)
        if hooks == nil && wordColumn == nil {
            try ctx.db.run(insertSQL, values)
        } else {
            let rowid = try ctx.db.insertReturningRowid(insertSQL, values)
            try hooks?.index(ctx.db, rowid, typedRecord, nil)
            try indexWords(ctx.db, rowid: rowid, typedRecord, old: nil)
        }
        if let countedColumn {
            try RecordCounts.add(ctx.db, entity: entity, columns[countedColumn].value(typedRecord), 1)
        }
        try ChangeLog.append(ctx, entity: entity, id: id, op: .created, version: 1)
        return record
    }

    /// Stores a changed record: version + 1, updatedAt, and a change-log entry. `previous` is the record as
    /// stored before, for the hooks' side tables; when not given and the table has hooks, it is read again.
    public func save(
        _ ctx: WriteContext, rowid: Int64, _ record: inout JSONObject, op: ChangeLog.Operation = .updated,
        previous: Record? = nil
    ) throws {
        stamp(ctx, &record)
        try write(ctx, rowid: rowid, record, as: try typed(record), op: op, previous: previous)
    }

    /// The next version and updatedAt of a changed record.
    private func stamp(_ ctx: WriteContext, _ record: inout JSONObject) {
        record.recordVersion += 1
        record.stampUpdated(ctx.now)
    }

    /// Writes a stamped record already decoded as `typed`: its row, the hooks' side tables, the change log.
    private func write(
        _ ctx: WriteContext, rowid: Int64, _ record: JSONObject, as typedRecord: Record, op: ChangeLog.Operation,
        previous: Record?
    ) throws {
        var previous = previous
        if hooks != nil, previous == nil, let stored = try load(ctx.db, id: record.recordID) {
            previous = try typed(stored.record)
        }
        try hooks?.check(ctx.db, typedRecord)
        let values: [SQLValue] =
            [.integer(record.recordVersion), .text(ctx.now), .text(JSONValue.object(record).serializedString())]
            + columnValues(typedRecord) + [.integer(rowid)]
        let oldWords = try wordColumn.map { _ in try storedWords(ctx.db, rowid: rowid) }
        // The replaced value, from the record the caller passed when it did, else as stored.
        let oldCounted = try countedColumn.map { c in
            try previous.map { columns[c].value($0) } ?? storedValue(ctx.db, rowid: rowid, column: columns[c].name)
        }
        try ctx.db.run(updateSQL, values)
        if let oldCounted, let countedColumn {
            let newCounted = columns[countedColumn].value(typedRecord)
            if !RecordCounts.same(oldCounted, newCounted) {
                try RecordCounts.add(ctx.db, entity: entity, oldCounted, -1)
                try RecordCounts.add(ctx.db, entity: entity, newCounted, 1)
            }
        }
        try hooks?.index(ctx.db, rowid, typedRecord, previous)
        if let oldWords { try indexWords(ctx.db, rowid: rowid, typedRecord, old: oldWords) }
        try ChangeLog.append(ctx, entity: entity, id: record.recordID, op: op, version: record.recordVersion)
    }

    /// The row's `text_key` as stored, before a save replaces it.
    private func storedWords(_ db: any SQLDatabase, rowid: Int64) throws -> String {
        if case .text(let key) = try storedValue(db, rowid: rowid, column: "text_key") { key } else { "" }
    }

    /// One column of the row as stored, before a save replaces it.
    private func storedValue(_ db: any SQLDatabase, rowid: Int64, column: String) throws -> SQLValue {
        var value = SQLValue.null
        try db.query("SELECT \(column) FROM \(table) WHERE rowid = ?", [.integer(rowid)]) { value = $0.value(0) }
        return value
    }

    /// Keeps `record_words` in step with the record's `text_key` (nothing for a table without one).
    private func indexWords(_ db: any SQLDatabase, rowid: Int64, _ record: Record, old: String?) throws {
        guard let wordColumn, case .text(let key) = columns[wordColumn].value(record) else { return }
        try WordIndex.update(db, table: table, rowid: rowid, old: old, new: key)
    }

    /// The update every simple entity does: load (NOT_FOUND), `before` checks the current record (its state,
    /// its scope), then `expectedVersion`, an RFC 7386 merge patch of `mutableFields` applied to the record's
    /// JSON (WriteContext.merge), `derive` on the patched fields (what the server fills in), the patched record
    /// decoded into its type and `validate`d, and save. `validate` has no default so that a trailing closure
    /// can never bind to `before` and run a uniqueness check against the unpatched record.
    public func update(
        _ ctx: WriteContext, id: String, patch: JSONObject, mutableFields: Set<String>, expectedVersion: Int64?,
        before: (Record) throws -> Void = { _ in }, derive: (inout JSONObject) -> Void = { _ in },
        validate: (Record) throws -> Void
    ) throws -> JSONObject {
        guard case (let rowid, var record)? = try load(ctx.db, id: id) else {
            throw DomainError.notFound(entity: entity, id: id)
        }
        let current = try typed(record)
        try before(current)
        try Versions.check(record, expectedVersion: expectedVersion)
        var fields = JSONObject()
        for (k, v) in record where mutableFields.contains(k) { fields[k] = v }
        var patched = try ctx.merge(patch, into: fields)
        derive(&patched)
        for key in mutableFields { record[key] = patched[key] }
        stamp(ctx, &record)
        // Decoded once: what `validate` checks is what the columns and hooks are computed from.
        let next = try TypedRecords.decodeWritten(Record.self, typedView(record), path: "/patch")
        try validate(next)
        try write(ctx, rowid: rowid, record, as: next, op: .updated, previous: current)
        return record
    }

    /// A state verb, the way every lifecycle-driven entity does it: load (NOT_FOUND), `before` checks the
    /// current record (a partner's scope), the lifecycle's transition (INVALID_TRANSITION), `expectedVersion`,
    /// `change` to the typed record (a verb's own checks and fields), the new status, and save. Verbs that
    /// archive or cancel pass `op: .deleted` (a tombstone in the feed).
    public func transition(
        _ ctx: WriteContext, id: String, verb: String, lifecycle: Lifecycle, expectedVersion: Int64?,
        op: ChangeLog.Operation = .updated, before: (Record) throws -> Void = { _ in },
        change: ((inout Record) throws -> Void)? = nil
    ) throws -> JSONObject {
        guard case (let rowid, var record)? = try load(ctx.db, id: id) else {
            throw DomainError.notFound(entity: entity, id: id)
        }
        let current = try typed(record)
        try before(current)
        let next = try lifecycle.apply(verb, to: record.recordStatus)
        try Versions.check(record, expectedVersion: expectedVersion)
        if let change {
            var edited = current
            try change(&edited)
            // Back to the stored JSON, without what only the typed view carries (an agreement's derived status).
            let derived = Set(typedView(record).map(\.0)).subtracting(record.map(\.0))
            record = edited.json.objectValue ?? JSONObject()
            for key in derived { record[key] = nil }
        }
        record.recordStatus = next
        try save(ctx, rowid: rowid, &record, op: op, previous: current)
        return record
    }
}

/// A table of any record type, as code that works on every entity (the change feed) uses it.
public protocol AnyRecordTable: Sendable {
    func load(_ db: any SQLDatabase, id: String) throws -> (rowid: Int64, record: JSONObject)?
    func value(_ db: any SQLDatabase, id: String, column: String) throws -> String?
    /// The record as it reads now (with what its type derives), or nil when it is gone.
    func current(_ db: any SQLDatabase, id: String) throws -> JSONObject?
}

extension RecordTable: AnyRecordTable {
    public func current(_ db: any SQLDatabase, id: String) throws -> JSONObject? {
        try load(db, id: id).map { typedView($0.record) }
    }
}

/// A record that partners sync by `externalRef` (SPEC §7).
public protocol SyncedRecord {
    var externalRef: Records.ExternalRef? { get }
}

/// The optimistic version check of every update and verb (SPEC §4).
public enum Versions {
    /// VERSION_CONFLICT when `expected` is given and differs.
    public static func check(_ record: JSONObject, expectedVersion expected: Int64?) throws {
        let current = record.recordVersion
        if let expected, expected != current {
            throw DomainError.versionConflict(
                current: current, "expectedVersion is \(expected), but the record is at version \(current)")
        }
    }
}

/// An INVALID_TRANSITION error (SPEC §2): the current state, the verb, and the verbs allowed now.
public func invalidTransition(entity: String, from: String, action: String, allowed: [String]) -> DomainError {
    DomainError.invalidTransition(
        from: from, action: action, allowed: allowed,
        "a \(entity) that is \(from) cannot \(action)"
            + (allowed.isEmpty ? "" : "; allowed: \(allowed.joined(separator: ", "))"))
}
