import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// requests.*: support requests with curators (SPEC §5).
struct RequestMethods {
    let db: Persistence

    /// Programme people read all requests; a company token reads its own company's.
    static let readers = AccessRule.programmeAndCompany

    func register(in registry: inout MethodSet) {
        let db = self.db

        registry.registerWrite("requests.submit", Params.RequestsSubmit.self, db: db) { ctx, p in
            Stored(try RequestRepository.submit(ctx, p))
        }
        registry.registerWrite("requests.assign", Params.RequestsAssign.self, db: db) { ctx, p in
            Stored(
                try RequestRepository.assign(ctx, id: p.id, curatorID: p.curatorId, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("requests.start", Params.RequestsStart.self, db: db) { ctx, p in
            Stored(try RequestRepository.transition(ctx, verb: "start", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("requests.resolve", Params.RequestsResolve.self, db: db) { ctx, p in
            Stored(
                try RequestRepository.transition(ctx, verb: "resolve", id: p.id, expectedVersion: p.expectedVersion) {
                    $0.resolution = p.resolution
                })
        }
        registry.registerWrite("requests.reject", Params.RequestsReject.self, db: db, effect: .destructiveWrite) {
            ctx, p in
            // The reason for a rejection is the request's resolution.
            Stored(
                try RequestRepository.transition(ctx, verb: "reject", id: p.id, expectedVersion: p.expectedVersion) {
                    $0.resolution = p.reason
                })
        }
        registry.registerWrite("requests.reopen", Params.RequestsReopen.self, db: db) { ctx, p in
            Stored(
                try RequestRepository.transition(ctx, verb: "reopen", id: p.id, expectedVersion: p.expectedVersion) {
                    $0.resolution = nil
                })
        }
        registry.registerWrite("requests.comment", Params.RequestsComment.self, db: db) { ctx, p in
            Stored(
                try RequestRepository.comment(
                    ctx, id: p.id, authorID: p.authorId, text: p.text, expectedVersion: p.expectedVersion))
        }
        registry.registerGet(
            "requests.get", Params.RequestsGet.self, RequestRepository.records, db: db, access: Self.readers)
        registry.register("requests.list", Params.RequestsList.self, access: Self.readers) { ctx, p in
            let only = ctx.companyScope
            return try await db.read { conn in try RequestRepository.list(conn, p, onlyCompany: only) }
        }
    }
}
