import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// The product methods, each with its access rule and effect; `MethodTable` turns them into the served registry.
public struct MethodSet: Sendable {
    struct Entry: Sendable {
        let handler: RPCHandler
        let access: AccessRule
        let effect: MethodEffect
    }
    private(set) var entries: [String: Entry] = [:]

    mutating func register(_ method: ServerMethod, access: AccessRule, effect: MethodEffect = .read) {
        precondition(entries[method.name] == nil, "method \(method.name) registered twice")
        entries[method.name] = Entry(handler: method.handler.rpcHandler, access: access, effect: effect)
    }

    /// Codable params and result, decoded from and encoded to `JSONValue` without re-parsing.
    mutating func register<Params: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String, _ paramsType: Params.Type = Params.self, access: AccessRule,
        handler: @escaping @Sendable (RequestContext, Params) throws -> Result
    ) {
        register(
            ServerMethod(
                name: name,
                handler: .sync { context, params in
                    let decoded = try JSONValueDecoder().decode(Params.self, from: params)
                    return try JSONValueEncoder().encode(handler(context, decoded))
                }), access: access)
    }

    /// A method whose handler takes its generated params type (`Params.*`), decoded once after validation, and
    /// runs as a task (reads on the reader pool, waits).
    mutating func register<P: MethodParams>(
        _ name: String, _ type: P.Type, access: AccessRule, effect: MethodEffect = .read,
        _ body: @escaping @Sendable (RequestContext, P) async throws -> JSONValue
    ) {
        precondition(name == P.method, "\(name) registered with the params of \(P.method)")
        register(
            ServerMethod(
                name: name,
                handler: .async { ctx, p in try await body(ctx, try TypedRecords.params(P.self, p.objectValue ?? [:])) }
            ),
            access: access, effect: effect)
    }

    /// The same for a handler that answers inline on the I/O thread (microseconds of work, no waiting).
    mutating func registerInline<P: MethodParams>(
        _ name: String, _ type: P.Type, access: AccessRule, effect: MethodEffect = .read,
        _ body: @escaping @Sendable (RequestContext, P) throws -> JSONValue
    ) {
        precondition(name == P.method, "\(name) registered with the params of \(P.method)")
        register(
            ServerMethod(
                name: name,
                handler: .sync { ctx, p in try body(ctx, try TypedRecords.params(P.self, p.objectValue ?? [:])) }
            ), access: access, effect: effect)
    }

    /// `X.get {id}` of a scoped record, inline (a lookup by key): the record as it reads, or NOT_FOUND when it
    /// lies outside the caller's scope (SPEC §8); `check` adds what else hides a record from a caller.
    mutating func registerGet<Record: ScopedRecord>(
        _ name: String, _ table: RecordTable<Record>, db: Persistence, access: AccessRule,
        check: @escaping @Sendable (Record, AccessPolicy) throws -> Void = { _, _ in }
    ) {
        register(
            ServerMethod(
                name: name,
                handler: .sync { ctx, p in
                    let (id, policy) = (p.recordID, ctx.policy)
                    let (json, record) = try db.readNow { conn in try table.visible(conn, id: id, to: policy) }
                    try check(record, policy)
                    return .object(json)
                }), access: access)
    }

    /// A write method: its body runs in the writer's transaction (with idempotencyKey handling), and it is
    /// also offered to rpc.atomic.
    mutating func registerWrite(
        _ name: String, db: Persistence, access: AccessRule = .staffOnly, effect: MethodEffect = .write,
        _ body: @escaping @Sendable (WriteContext, JSONObject) throws -> JSONValue
    ) {
        db.state.writeOperations[name] = body
        register(
            ServerMethod(name: name, handler: .async { ctx, params in try await db.write(ctx, params, body) }),
            access: access, effect: effect)
    }

    /// A write method whose body takes its generated params type (`Params.*`), decoded once, right after the
    /// params passed their schema. The name is written whole here too, so that grep finds the registration.
    mutating func registerWrite<P: MethodParams>(
        _ name: String, _ type: P.Type, db: Persistence, access: AccessRule = .staffOnly,
        effect: MethodEffect = .write, _ body: @escaping @Sendable (WriteContext, P) throws -> JSONValue
    ) {
        precondition(name == P.method, "\(name) registered with the params of \(P.method)")
        registerWrite(name, db: db, access: access, effect: effect) { ctx, fields in
            try body(ctx, try TypedRecords.params(P.self, fields))
        }
    }

    /// `X.update {id, patch, expectedVersion?}`: a JSON Merge Patch of one record, as a write.
    mutating func registerUpdate(
        _ name: String, db: Persistence, access: AccessRule = .staffOnly,
        _ update: @escaping @Sendable (WriteContext, String, JSONObject, Int64?) throws -> JSONValue
    ) {
        let contract = PatchContract(method: name, catalog: .embedded)
        registerWrite(name, db: db, access: access) { ctx, p in
            var ctx = ctx
            ctx.checkPatch = contract.check
            return try update(ctx, p.recordID, p.patch, p.expectedVersion)
        }
    }

    mutating func registerUpdate(
        _ name: String, db: Persistence, access: AccessRule = .staffOnly,
        _ update: @escaping @Sendable (WriteContext, String, JSONObject, Int64?) throws -> JSONObject
    ) {
        registerUpdate(name, db: db, access: access) { ctx, id, patch, version in
            .object(try update(ctx, id, patch, version))
        }
    }

    public var names: [String] { entries.keys.sorted() }
    public func access(of name: String) -> AccessRule? { entries[name]?.access }
    public func effect(of name: String) -> MethodEffect? { entries[name]?.effect }
}
