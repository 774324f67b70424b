import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// The product methods, each with its access rule and effect; `MethodTable` turns them into the served registry.
///
/// Every registration names its method's generated params type (`Params.*`): the params are decoded into it
/// once, right after they passed their schema, and the handler returns that type's `Result` (a stored record,
/// a list page or a `Results.*` struct), so the compiler checks what each method takes and answers.
public struct MethodSet: Sendable {
    struct Entry: Sendable {
        let handler: RPCHandler
        let access: AccessRule
        let effect: MethodEffect
    }
    private(set) var entries: [String: Entry] = [:]

    private mutating func add<P: MethodParams>(
        _ name: String, _ type: P.Type, _ handler: ServerHandler, access: AccessRule, effect: MethodEffect
    ) {
        precondition(name == P.method, "\(name) registered with the params of \(P.method)")
        precondition(entries[name] == nil, "method \(name) registered twice")
        entries[name] = Entry(handler: handler.rpcHandler, access: access, effect: effect)
    }

    /// A method that runs as a task (reads on the reader pool, waits).
    mutating func register<P: MethodParams>(
        _ name: String, _ type: P.Type, access: AccessRule, effect: MethodEffect = .read,
        _ body: @escaping @Sendable (RequestContext, P) async throws -> P.Result
    ) {
        add(
            name, P.self, .async { ctx, p in Self.answer(try await body(ctx, try Self.decode(P.self, p))) },
            access: access,
            effect: effect)
    }

    /// A method that answers inline on the I/O thread (microseconds of work, no waiting).
    mutating func registerInline<P: MethodParams>(
        _ name: String, _ type: P.Type, access: AccessRule, effect: MethodEffect = .read,
        _ body: @escaping @Sendable (RequestContext, P) throws -> P.Result
    ) {
        add(
            name, P.self, .sync { ctx, p in Self.answer(try body(ctx, try Self.decode(P.self, p))) }, access: access,
            effect: effect)
    }

    /// `X.get {id}` of a scoped record, inline (a lookup by key): the record as it reads, or NOT_FOUND when it
    /// lies outside the caller's scope (SPEC §8); `check` adds what else hides a record from a caller.
    mutating func registerGet<P: MethodParams & RecordRequest, Record: ScopedRecord>(
        _ name: String, _ type: P.Type, _ table: RecordTable<Record>, db: Persistence, access: AccessRule,
        check: @escaping @Sendable (Record, AccessPolicy) throws -> Void = { _, _ in }
    ) where P.Result == Stored<Record> {
        registerInline(name, P.self, access: access) { ctx, p in
            let policy = ctx.policy
            let (json, record) = try db.readNow { conn in try table.visible(conn, id: p.id, to: policy) }
            try check(record, policy)
            return Stored(json)
        }
    }

    /// A write method: its body runs in the writer's transaction (with idempotencyKey handling), and it is
    /// also offered to rpc.atomic. The params are decoded before the writer is entered, so the one writer
    /// spends its time on what must be serialised.
    mutating func registerWrite<P: MethodParams>(
        _ name: String, _ type: P.Type, db: Persistence, access: AccessRule = .staffOnly,
        effect: MethodEffect = .write, _ body: @escaping @Sendable (WriteContext, P) throws -> P.Result
    ) {
        db.state.writeOperations[name] = { ctx, fields in
            try body(ctx, try TypedRecords.params(P.self, fields)).json
        }
        let handler = ServerHandler.async { ctx, params in
            let p = try Self.decode(P.self, params)
            return Self.answer(try await db.write(ctx, params) { w in try body(w, p) })
        }
        add(name, P.self, handler, access: access, effect: effect)
    }

    /// `X.update {id, patch, expectedVersion?}`: a JSON Merge Patch of one record, as a write, checked
    /// against the method's patch contract (which members a patch may set or remove).
    mutating func registerUpdate<P: MethodParams & PatchRequest>(
        _ name: String, _ type: P.Type, db: Persistence, access: AccessRule = .staffOnly,
        _ update: @escaping @Sendable (WriteContext, String, JSONObject, Int64?) throws -> P.Result
    ) {
        let contract = PatchContract(method: name, catalog: .embedded)
        registerWrite(name, P.self, db: db, access: access) { ctx, p in
            var ctx = ctx
            ctx.checkPatch = contract.check
            return try update(ctx, p.id, p.patch, p.expectedVersion)
        }
    }

    /// A result as the JSON-RPC layer sends it: its stored text as it is when it has one.
    private static func answer(_ result: some MethodResult) -> RPCAnswer {
        if let text = result.serializedJSON { return .serialized(text) }
        return .value(result.json)
    }

    private static func decode<P: MethodParams>(_ type: P.Type, _ params: JSONValue) throws -> P {
        try TypedRecords.params(P.self, params.objectValue ?? JSONObject())
    }

    public var names: [String] { entries.keys.sorted() }
    public func access(of name: String) -> AccessRule? { entries[name]?.access }
    public func effect(of name: String) -> MethodEffect? { entries[name]?.effect }
}

/// The params of a method about one record by id (`X.get`).
protocol RecordRequest {
    var id: Records.RecordID { get }
}

/// The params of `X.update`: the record, its merge patch and the version the caller saw.
protocol PatchRequest {
    var id: Records.RecordID { get }
    var patch: JSONObject { get }
    var expectedVersion: Records.Version? { get }
}
