import JSON
import JSONRPC
import JSONSchema

/// Builds the registry the server runs: every product method, each bound to its Schemas/ contract.
public enum MethodTable {
    /// The product methods as registered by each namespace, before schemas are attached.
    static func productMethods(state: ServerState) -> RPCMethodRegistry {
        var registry = RPCMethodRegistry()
        SystemMethods(server: state).register(in: &registry)
        DiscoveryMethods(state: state).register(in: &registry)
        CompanyMethods(db: Persistence(state: state)).register(in: &registry)
        AtomicMethods(db: Persistence(state: state), catalog: .embedded).register(in: &registry)
        BackupMethods(state: state).register(in: &registry)
        return registry
    }

    /// Names of every product method (what `rpc.discover` lists and the guard tests walk).
    public static var productMethodNames: [String] { productMethods(state: ServerState()).names }

    /// Binds each method to its params validator (and, with `validateResults`, its result validator).
    /// A method without both schema files is a programming error: the server refuses to start.
    static func build(options: ServeOptions, state: ServerState, catalog: SchemaCatalog = .embedded) -> RPCMethodRegistry {
        let product = productMethods(state: state)
        var registry = RPCMethodRegistry()
        for name in product.names {
            guard let method = product[name], catalog.paramsValidator(name) != nil, let resultValidator = catalog.resultValidator(name) else {
                fatalError("method \(name) has no Schemas/methods/\(name).params.json and .result.json")
            }
            let handler = options.validateResults ? checkingResults(method.handler, name: name, validator: resultValidator) : method.handler
            registry.register(RPCMethod(name: name, handler: handler, validateParams: { catalog.checkParams(name, $0) }))
        }
        if options.specExamples { SpecExampleMethods.register(in: &registry) }
        state.discovery = OpenRPCDocument.build(catalog: catalog, methods: product.names)
        return registry
    }

    /// Wraps a handler so that a result that breaks its schema is logged and answered INTERNAL, never sent.
    private static func checkingResults(_ handler: RPCHandler, name: String, validator: JSONSchemaValidator) -> RPCHandler {
        @Sendable func check(_ result: JSONValue) throws -> JSONValue {
            let problems = validator.validate(result)
            guard problems.isEmpty else {
                Log.error("\(name) returned a result that breaks Schemas/methods/\(name).result.json: \(problems)")
                throw RPCError.internalError
            }
            return result
        }
        switch handler {
        case .sync(let f): return .sync { ctx, params in try check(try f(ctx, params)) }
        case .async(let f): return .async { ctx, params in try check(try await f(ctx, params)) }
        }
    }
}
