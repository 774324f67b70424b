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

        registry.registerWrite("companies.create", Params.CompaniesCreate.self, db: db) { ctx, p in
            Stored(try CompanyRepository.create(ctx, p))
        }
        registry.registerUpdate("companies.update", Params.CompaniesUpdate.self, db: db) { ctx, id, patch, version in
            Stored(try CompanyRepository.update(ctx, id: id, patch: patch, expectedVersion: version))
        }
        registry.registerWrite("companies.archive", Params.CompaniesArchive.self, db: db, effect: .destructiveWrite) {
            ctx, p in
            Stored(try CompanyRepository.archive(ctx, id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("companies.restore", Params.CompaniesRestore.self, db: db) { ctx, p in
            Stored(try CompanyRepository.restore(ctx, id: p.id, expectedVersion: p.expectedVersion))
        }
        // A lookup by primary key takes microseconds: it runs inline on the I/O thread.
        registry.registerInline("companies.get", Params.CompaniesGet.self, access: Self.readers) { ctx, p in
            try ctx.requireVisible(companyID: p.id, entity: "company", id: p.id)
            return try db.readNow { conn in try CompanyRepository.records.stored(conn, id: p.id) }
        }
        registry.register("companies.list", Params.CompaniesList.self, access: Self.readers) { ctx, p in
            var query = try CompanyListQuery(p)
            query.onlyID = ctx.companyScope
            let q = query
            return try await db.read { conn in try CompanyRepository.list(conn, q) }
        }
        registry.register("companies.history", Params.CompaniesHistory.self, access: Self.readers) { ctx, p in
            try ctx.requireVisible(companyID: p.id, entity: "company", id: p.id)
            let policy = ctx.policy
            return try await db.read { conn in
                _ = try CompanyRepository.records.get(conn, id: p.id)  // NOT_FOUND for unknown ids and other kinds
                return Results.CompaniesHistory(
                    items: try ChangeLog.history(conn, id: p.id).map { policy.present(change: $0) })
            }
        }
    }

}
