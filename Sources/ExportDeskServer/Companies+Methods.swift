import ExportDeskCore
import JSON
import JSONRPC
import SQLiteStore

/// companies.*: exporter profiles (SPEC §5).
struct CompanyMethods {
    let db: Persistence

    func register(in registry: inout RPCMethodRegistry) {
        let db = self.db
        func write(_ name: String, _ body: @escaping @Sendable (WriteContext, JSONObject) throws -> JSONValue) {
            db.state.writeOperations[name] = body
            registry.register(RPCMethod(name: name, handler: .async { ctx, params in try await db.write(ctx, params, body) }))
        }
        func read(_ name: String, _ body: @escaping @Sendable (JSONValue) -> (@Sendable (Connection) throws -> JSONValue)) {
            registry.register(RPCMethod(name: name, handler: .async { _, params in try await db.read(body(params)) }))
        }

        write("companies.create") { ctx, fields in try CompanyRepository.create(ctx, fields: fields) }
        write("companies.update") { ctx, p in
            try CompanyRepository.update(ctx, id: p["id"]?.stringValue ?? "", patch: p["patch"]?.objectValue ?? JSONObject(),
                                         expectedVersion: p["expectedVersion"]?.int64Value)
        }
        write("companies.archive") { ctx, p in
            try CompanyRepository.archive(ctx, id: p["id"]?.stringValue ?? "", expectedVersion: p["expectedVersion"]?.int64Value)
        }
        write("companies.restore") { ctx, p in
            try CompanyRepository.restore(ctx, id: p["id"]?.stringValue ?? "", expectedVersion: p["expectedVersion"]?.int64Value)
        }
        // A lookup by primary key takes microseconds: it runs inline on the I/O thread.
        registry.register(RPCMethod(name: "companies.get", handler: .sync { _, p in
            try db.readNow { conn in try CompanyRepository.get(conn, id: p["id"]?.stringValue ?? "") }
        }))
        read("companies.list") { p in { conn in try CompanyRepository.list(conn, try CompanyListQuery(params: p)) } }
        read("companies.history") { p in
            { conn in
                let id = p["id"]?.stringValue ?? ""
                _ = try CompanyRepository.get(conn, id: id)  // NOT_FOUND for unknown ids and other kinds
                return ["items": .array(try ChangeLog.history(conn, id: id))]
            }
        }
    }
}
