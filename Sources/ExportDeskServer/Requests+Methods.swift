import ExportDeskCore
import JSON
import JSONRPC

/// requests.*: support requests with curators (SPEC §5).
struct RequestMethods {
    let db: Persistence

    /// Programme people read all requests; a company token reads its own company's.
    static let readers = AccessRule.programmeAndCompany

    func register(in registry: inout MethodSet) {
        let db = self.db

        registry.registerWrite("requests.submit", db: db) { ctx, p in try RequestRepository.submit(ctx, fields: p) }
        registry.registerWrite("requests.assign", db: db) { ctx, p in
            try RequestRepository.assign(ctx, id: p.recordID, curatorID: p["curatorId"]?.stringValue ?? "", expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("requests.start", db: db) { ctx, p in try RequestRepository.transition(ctx, verb: "start", id: p.recordID, expectedVersion: p.expectedVersion) }
        registry.registerWrite("requests.resolve", db: db) { ctx, p in
            try RequestRepository.transition(ctx, verb: "resolve", id: p.recordID, expectedVersion: p.expectedVersion) { $0["resolution"] = p["resolution"] }
        }
        registry.registerWrite("requests.reject", db: db, effect: .destructiveWrite) { ctx, p in
            // The reason for a rejection is the request's resolution.
            try RequestRepository.transition(ctx, verb: "reject", id: p.recordID, expectedVersion: p.expectedVersion) { $0["resolution"] = p["reason"] }
        }
        registry.registerWrite("requests.reopen", db: db) { ctx, p in
            try RequestRepository.transition(ctx, verb: "reopen", id: p.recordID, expectedVersion: p.expectedVersion) { $0["resolution"] = nil }
        }
        registry.registerWrite("requests.comment", db: db) { ctx, p in
            try RequestRepository.comment(ctx, id: p.recordID, authorID: p["authorId"]?.stringValue ?? "", text: p["text"]?.stringValue ?? "",
                                          expectedVersion: p.expectedVersion)
        }
        registry.register(RPCMethod(name: "requests.get", handler: .sync { ctx, p in
            let record = try db.readNow { conn in .object(try RequestRepository.records.get(conn, id: p.recordID)) }.objectValue ?? JSONObject()
            try ctx.requireVisible(companyID: record["companyId"]?.stringValue, entity: "request", id: p.recordID)
            return .object(record)
        }), access: Self.readers)
        registry.register(RPCMethod(name: "requests.list", handler: .async { ctx, p in
            let only = ctx.companyScope
            return try await db.read { conn in try RequestRepository.list(conn, params: p, onlyCompany: only) }
        }), access: Self.readers)
    }
}
