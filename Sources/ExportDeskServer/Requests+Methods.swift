import ExportDeskCore
import JSON
import JSONRPC

/// requests.*: support requests with curators (SPEC §5).
struct RequestMethods {
    let db: Persistence

    /// Programme people read all requests; a company token reads its own company's.
    static let readers = AccessRule.roles([.admin, .staff, .viewer, .company])

    func register(in registry: inout MethodSet) {
        let db = self.db
        func write(_ name: String, _ body: @escaping @Sendable (WriteContext, JSONObject) throws -> JSONValue) {
            registry.registerWrite(name, db: db, access: .staffOnly, body)
        }
        @Sendable func version(_ p: JSONObject) -> Int64? { p["expectedVersion"]?.int64Value }
        @Sendable func id(_ p: JSONObject) -> String { p["id"]?.stringValue ?? "" }

        write("requests.submit") { ctx, p in try RequestRepository.submit(ctx, fields: p) }
        write("requests.assign") { ctx, p in
            try RequestRepository.assign(ctx, id: id(p), curatorID: p["curatorId"]?.stringValue ?? "", expectedVersion: version(p))
        }
        write("requests.start") { ctx, p in try RequestRepository.transition(ctx, verb: "start", id: id(p), expectedVersion: version(p)) }
        write("requests.resolve") { ctx, p in
            try RequestRepository.transition(ctx, verb: "resolve", id: id(p), expectedVersion: version(p)) { $0["resolution"] = p["resolution"] }
        }
        write("requests.reject") { ctx, p in
            // The reason for a rejection is the request's resolution.
            try RequestRepository.transition(ctx, verb: "reject", id: id(p), expectedVersion: version(p)) { $0["resolution"] = p["reason"] }
        }
        write("requests.reopen") { ctx, p in
            try RequestRepository.transition(ctx, verb: "reopen", id: id(p), expectedVersion: version(p)) { $0["resolution"] = nil }
        }
        write("requests.comment") { ctx, p in
            try RequestRepository.comment(ctx, id: id(p), authorID: p["authorId"]?.stringValue ?? "", text: p["text"]?.stringValue ?? "",
                                          expectedVersion: version(p))
        }
        registry.register(RPCMethod(name: "requests.get", handler: .sync { ctx, p in
            let record = try db.readNow { conn in .object(try RequestRepository.records.get(conn, id: p["id"]?.stringValue ?? "")) }.objectValue ?? JSONObject()
            if let principal = ctx.principal, principal.role == .company, record["companyId"]?.stringValue != principal.companyID {
                throw RPCError.notFound(entity: "request", id: p["id"]?.stringValue ?? "")
            }
            return .object(record)
        }), access: Self.readers)
        registry.register(RPCMethod(name: "requests.list", handler: .async { ctx, p in
            let only = ctx.principal?.role == .company ? (ctx.principal?.companyID ?? "") : nil
            return try await db.read { conn in try RequestRepository.list(conn, params: p, onlyCompany: only) }
        }), access: Self.readers)
    }
}
