import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// Who may call a method, declared where the method is registered (SPEC §8).
public enum AccessRule: Sendable, Equatable {
    /// No session needed: rpc.discover, system.ping, session.authenticate.
    case anyone
    /// Any authenticated role.
    case anyRole
    /// Only these roles; others get FORBIDDEN.
    case roles(Set<Role>)

    public static let staffOnly = AccessRule.roles([.admin, .staff])
    public static let adminOnly = AccessRule.roles([.admin])
    /// The programme's people, and a company token (which then sees only its own records).
    public static let programmeAndCompany = AccessRule.roles([.admin, .staff, .viewer, .company])

    /// The roles for `rpc.discover`'s `x-roles`.
    var discoveryNames: [String] {
        switch self {
        case .anyone: return ["anyone"]
        case .anyRole: return Role.allCases.map(\.rawValue)
        case .roles(let set): return Role.allCases.filter(set.contains).map(\.rawValue)
        }
    }

    public func allows(_ role: Role) -> Bool {
        switch self {
        case .anyone, .anyRole: return true
        case .roles(let set): return set.contains(role)
        }
    }
}

/// What calling a method does to the programme's data, declared where the method is registered: what MCP
/// tools advertise as `readOnlyHint`, `destructiveHint` and `idempotentHint`.
public enum MethodEffect: Sendable, Equatable {
    /// Reads only (lists, gets, reports, system.info).
    case read
    /// Changes records.
    case write
    /// Changes records in a way a repeat with the same arguments does not change further (upserts, sync.push).
    case idempotentWrite
    /// Ends or removes something a user would miss (archive, cancel, terminate, reject, revoke, deactivate).
    case destructiveWrite
    /// Acts on the connection itself (authentication, subscriptions), not on records.
    case session
}

/// The product methods, each with its access rule and effect; `MethodTable` turns them into the served registry.
public struct MethodSet: Sendable {
    struct Entry: Sendable {
        let handler: RPCHandler
        let access: AccessRule
        let effect: MethodEffect
    }
    private(set) var entries: [String: Entry] = [:]

    mutating func register(_ method: RPCMethod, access: AccessRule, effect: MethodEffect = .read) {
        precondition(entries[method.name] == nil, "method \(method.name) registered twice")
        entries[method.name] = Entry(handler: method.handler, access: access, effect: effect)
    }

    /// Codable params and result, decoded from and encoded to `JSONValue` without re-parsing.
    mutating func register<Params: Decodable & SendableMetatype, Result: Encodable & SendableMetatype>(
        _ name: String, _ paramsType: Params.Type = Params.self, access: AccessRule,
        handler: @escaping @Sendable (RPCContext, Params) throws -> Result
    ) {
        register(
            RPCMethod(
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
        _ body: @escaping @Sendable (RPCContext, P) async throws -> JSONValue
    ) {
        precondition(name == P.method, "\(name) registered with the params of \(P.method)")
        register(
            RPCMethod(
                name: name,
                handler: .async { ctx, p in try await body(ctx, try TypedRecords.params(P.self, p.objectValue ?? [:])) }),
            access: access, effect: effect)
    }

    /// The same for a handler that answers inline on the I/O thread (microseconds of work, no waiting).
    mutating func registerInline<P: MethodParams>(
        _ name: String, _ type: P.Type, access: AccessRule, effect: MethodEffect = .read,
        _ body: @escaping @Sendable (RPCContext, P) throws -> JSONValue
    ) {
        precondition(name == P.method, "\(name) registered with the params of \(P.method)")
        register(
            RPCMethod(
                name: name, handler: .sync { ctx, p in try body(ctx, try TypedRecords.params(P.self, p.objectValue ?? [:])) }
            ), access: access, effect: effect)
    }

    /// A write method: its body runs in the writer's transaction (with idempotencyKey handling), and it is
    /// also offered to rpc.atomic.
    mutating func registerWrite(
        _ name: String, db: Persistence, access: AccessRule = .staffOnly, effect: MethodEffect = .write,
        _ body: @escaping @Sendable (WriteContext, JSONObject) throws -> JSONValue
    ) {
        db.state.writeOperations[name] = body
        register(
            RPCMethod(name: name, handler: .async { ctx, params in try await db.write(ctx, params, body) }),
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

extension RPCContext {
    /// The authenticated caller, or nil.
    public var principal: Principal? { session.identity as? Principal }

    /// What the caller may see and touch (SPEC §8), the one policy every handler asks.
    public var policy: AccessPolicy { AccessPolicy(principal) }

    /// For a company token, its company: lists are restricted to it. Nil for everyone else.
    var companyScope: String? { policy.companyScope }
    /// For an institution token, its institution. Nil for everyone else.
    var institutionScope: String? { policy.institutionScope }

    /// A record that belongs to another company or institution than the caller's token does not exist for
    /// it: NOT_FOUND, never FORBIDDEN (SPEC §8).
    func requireVisible(companyID: String? = nil, institutionID: String? = nil, entity: String, id: String) throws {
        try policy.require(companyID: companyID, institutionID: institutionID, entity: entity, id: id)
    }
}

extension String {
    /// The verb of a method name written whole ("placements.confirm" → "confirm"), so that every method
    /// name appears whole in the source and `grep` finds its registration.
    var verb: String { split(separator: ".", maxSplits: 1).last.map(String.init) ?? self }
}

extension JSONObject {
    /// The `patch` param of an `X.update` (a JSON Merge Patch object).
    var patch: JSONObject { self["patch"]?.objectValue ?? JSONObject() }
}

