import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// `rpc.atomic`: up to 100 write calls in one transaction — all results, or the failing call's error with
/// `data.index` and nothing applied (SPEC §2). JSON-RPC batches stay independent.
struct AtomicMethods {
    let db: Persistence
    let catalog: SchemaCatalog
    /// The access rules of the methods an atomic call may contain.
    let rules: @Sendable (String) -> AccessRule?

    func register(in registry: inout MethodSet) {
        let db = self.db
        let catalog = self.catalog
        let rules = self.rules
        registry.register("rpc.atomic", Params.RpcAtomic.self, access: .staffOnly, effect: .write) { ctx, atomic in
            let calls = atomic.calls
            var steps: [(String, @Sendable (WriteContext, JSONObject) throws -> JSONValue, JSONObject)] = []
            for (i, call) in calls.enumerated() {
                let method = call.method
                guard let body = db.state.writeOperations[method] else {
                    throw RPCError.invalidParams(
                        path: "/calls/\(i)/method", keyword: "enum",
                        "must be a write method (\(db.state.writeOperations.keys.sorted().joined(separator: ", ")))"
                    )
                }
                if let role = ctx.principal?.role, let rule = rules(method), !rule.allows(role) {
                    throw RPCError.forbidden("the \(role.rawValue) role may not call \(method)").adding(
                        index: i)
                }
                var inner = call.params
                let issues = catalog.checkParams(method, .object(inner))
                if !issues.isEmpty {
                    throw RPCError.invalidParams(
                        issues.map {
                            RPCError.ParamIssue(
                                instancePath: "/calls/\(i)/params" + $0.instancePath, keyword: $0.keyword,
                                message: $0.message)
                        }
                    ).adding(index: i)
                }
                inner["idempotencyKey"] = nil
                steps.append((method, body, inner))
            }
            let run = steps
            return try await db.write(ctx, atomic.json) { outer in
                var results: [JSONValue] = []
                for (i, (method, body, inner)) in run.enumerated() {
                    let stepContext = outer.acting(as: method)
                    do {
                        results.append(try body(stepContext, inner))
                    } catch {
                        guard let sent = RPCError(sendable: error) else { throw error }
                        throw sent.adding(index: i)
                    }
                }
                return Results.RpcAtomic(results: results)
            }
        }
    }
}

extension RPCError {
    /// The same error, naming the failing call of an `rpc.atomic` or `sync.push`.
    func adding(index: Int) -> RPCError {
        var data = self.data
        data["index"] = .number(.int(Int64(index)))
        return RPCError(code: code, reason: reason, message: "call \(index): \(message)", data: data)
    }
}
