import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import JSONSchema
import Support

/// Builds the registry the server runs: every product method, each bound to its Schemas/ contract.
public enum MethodTable {
    /// The product methods as registered by each namespace, before schemas are attached.
    /// Every product method with its access rule: a method cannot be registered without one.
    static func productMethods(state: ServerState) -> MethodSet {
        var methods = MethodSet()
        let db = Persistence(state: state)
        SystemMethods(server: state).register(in: &methods)
        DiscoveryMethods(state: state).register(in: &methods)
        AccessMethods(db: db, access: state.access).register(in: &methods)
        CompanyMethods(db: db).register(in: &methods)
        StaffMethods(db: db).register(in: &methods)
        RequestMethods(db: db).register(in: &methods)
        EventMethods(db: db).register(in: &methods)
        StrategyMethods(db: db).register(in: &methods)
        InternshipMethods(db: db).register(in: &methods)
        PlacementMethods(db: db, catalog: .embedded).register(in: &methods)
        ReportMethods(db: db).register(in: &methods)
        ReminderMethods(db: db).register(in: &methods)
        ChangeMethods(db: db).register(in: &methods)
        BackupMethods(state: state).register(in: &methods)
        let rules = methods
        AtomicMethods(db: db, catalog: .embedded, rules: { rules.access(of: $0) }).register(in: &methods)
        return methods
    }

    /// Each product method's access rule (for tests and for `rpc.discover`).
    public static var productAccessRules: [String: AccessRule] {
        let set = productMethods(state: ServerState())
        return Dictionary(uniqueKeysWithValues: set.names.map { ($0, set.access(of: $0)!) })
    }

    /// Each product method's effect on the data (for MCP tool annotations and their tests).
    public static var productEffects: [String: MethodEffect] {
        let set = productMethods(state: ServerState())
        return Dictionary(uniqueKeysWithValues: set.names.map { ($0, set.effect(of: $0)!) })
    }

    /// Names of every product method (what `rpc.discover` lists and the guard tests walk).
    public static var productMethodNames: [String] { productMethods(state: ServerState()).names }

    /// Binds each method to its params validator (and, with `validateResults`, its result validator).
    /// A method without both schema files is a programming error: the server refuses to start.
    static func build(
        options: ServeOptions, state: ServerState, catalog: SchemaCatalog = .embedded
    ) -> RPCMethodRegistry {
        let product = productMethods(state: state)
        var registry = RPCMethodRegistry()
        let access = state.access
        for name in product.names {
            guard let entry = product.entries[name], catalog.hasSchemas(name) else {
                fatalError("method \(name) has no Schemas/methods/\(name).params.json and .result.json")
            }
            let rule = entry.access
            let handler =
                options.validateResults ? checkingResults(entry.handler, name: name, catalog: catalog) : entry.handler
            registry.register(
                RPCMethod(
                    name: name, handler: handler, validateParams: catalog.paramsCheck(name),
                    authorize: { try access.authorize(rule, $0) }))
        }
        if options.specExamples { SpecExampleMethods.register(in: &registry) }
        let document = OpenRPCDocument.build(
            catalog: catalog, methods: product.names, access: { product.access(of: $0) })
        do {
            state.discovery = try Results.RpcDiscover(json: document)
        } catch {
            fatalError("the OpenRPC document does not match rpc.discover.result.json: \(error)")
        }
        return registry
    }

    /// Wraps a handler so that a result that breaks its schema is logged and answered INTERNAL, never sent.
    private static func checkingResults(_ handler: RPCHandler, name: String, catalog: SchemaCatalog) -> RPCHandler {
        @Sendable func check(_ result: JSONValue) throws -> JSONValue {
            let problems = catalog.resultValidator(name)?.validate(result) ?? []
            guard problems.isEmpty else {
                Log.error("\(name) returned a result that breaks Schemas/methods/\(name).result.json: \(problems)")
                throw RPCError.internalError
            }
            return result
        }
        switch handler {
        case .sync(let f): return .sync { ctx, params in try check(try f(ctx, params)) }
        case .async(let f): return .async { ctx, params in try check(try await f(ctx, params)) }
        case .syncAnswer(let f): return .sync { ctx, params in try check(try f(ctx, params).parsed()) }
        case .asyncAnswer(let f): return .async { ctx, params in try check(try await f(ctx, params).parsed()) }
        }
    }
}
