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

        write("requests.submit") { ctx, p in try RequestRepository.submit(ctx, fields: p) }
        write("requests.assign") { ctx, p in
            try RequestRepository.assign(ctx, id: p.recordID, curatorID: p["curatorId"]?.stringValue ?? "", expectedVersion: p.expectedVersion)
        }
        write("requests.start") { ctx, p in try RequestRepository.transition(ctx, verb: "start", id: p.recordID, expectedVersion: p.expectedVersion) }
        write("requests.resolve") { ctx, p in
            try RequestRepository.transition(ctx, verb: "resolve", id: p.recordID, expectedVersion: p.expectedVersion) { $0["resolution"] = p["resolution"] }
        }
        write("requests.reject") { ctx, p in
            // The reason for a rejection is the request's resolution.
            try RequestRepository.transition(ctx, verb: "reject", id: p.recordID, expectedVersion: p.expectedVersion) { $0["resolution"] = p["reason"] }
        }
        write("requests.reopen") { ctx, p in
            try RequestRepository.transition(ctx, verb: "reopen", id: p.recordID, expectedVersion: p.expectedVersion) { $0["resolution"] = nil }
        }
        write("requests.comment") { ctx, p in
            try RequestRepository.comment(ctx, id: p.recordID, authorID: p["authorId"]?.stringValue ?? "", text: p["text"]?.stringValue ?? "",
                                          expectedVersion: p.expectedVersion)
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
