import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage

/// companies.*: exporter profiles (SPEC §5).
struct CompanyMethods {
    let db: Persistence

    /// Who may read companies: the programme's people, and a company its own profile.
    static let readers = AccessRule.programmeAndCompany

    func register(in registry: inout MethodSet) {
        let db = self.db

        registry.registerWrite("companies.create", db: db) { ctx, fields in
            try CompanyRepository.create(ctx, fields: fields)
        }
        registry.registerUpdate("companies.update", db: db, CompanyRepository.update)
        registry.registerWrite("companies.archive", Params.CompaniesArchive.self, db: db, effect: .destructiveWrite) {
            ctx, p in
            try CompanyRepository.archive(ctx, id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("companies.restore", Params.CompaniesRestore.self, db: db) { ctx, p in
            try CompanyRepository.restore(ctx, id: p.id, expectedVersion: p.expectedVersion)
        }
        // A lookup by primary key takes microseconds: it runs inline on the I/O thread.
        registry.register(
            ServerMethod(
                name: "companies.get",
                handler: .sync { ctx, p in
                    let id = p.recordID
                    try ctx.requireVisible(companyID: id, entity: "company", id: id)
                    return try db.readNow { conn in try CompanyRepository.get(conn, id: id) }
                }), access: Self.readers)
        registry.register(
            ServerMethod(
                name: "companies.list",
                handler: .async { ctx, p in
                    var query = try CompanyListQuery(params: p)
                    query.onlyID = ctx.companyScope
                    let q = query
                    return try await db.read { conn in try CompanyRepository.list(conn, q) }
                }), access: Self.readers)
        registry.register(
            ServerMethod(
                name: "companies.history",
                handler: .async { ctx, p in
                    let id = p.recordID
                    try ctx.requireVisible(companyID: id, entity: "company", id: id)
                    let policy = ctx.policy
                    return try await db.read { conn in
                        _ = try CompanyRepository.get(conn, id: id)  // NOT_FOUND for unknown ids and other kinds
                        let items = try ChangeLog.history(conn, id: id).map {
                            JSONValue.object(policy.present(change: $0).json)
                        }
                        return ["items": .array(items)]
                    }
                }), access: Self.readers)
    }

}
