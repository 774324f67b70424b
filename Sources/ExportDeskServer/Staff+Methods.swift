import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// staff.*: the centre's curators and managers (SPEC §5).
struct StaffMethods {
    let db: Persistence

    /// Staff records are programme data: admin and staff write, viewers read, partners see none.
    static let readers = AccessRule.roles([.admin, .staff, .viewer])

    func register(in registry: inout MethodSet) {
        let db = self.db
        registry.registerWrite("staff.create", Params.StaffCreate.self, db: db) { ctx, p in
            Stored(try StaffRepository.create(ctx, p))
        }
        registry.registerUpdate("staff.update", Params.StaffUpdate.self, db: db) { ctx, id, patch, version in
            Stored(try StaffRepository.update(ctx, id: id, patch: patch, expectedVersion: version))
        }
        registry.registerWrite("staff.deactivate", Params.StaffDeactivate.self, db: db, effect: .destructiveWrite) {
            ctx, p in
            Stored(try StaffRepository.deactivate(ctx, id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerInline("staff.get", Params.StaffGet.self, access: Self.readers) { _, p in
            try db.readNow { conn in try StaffRepository.records.stored(conn, id: p.id) }
        }
        registry.register("staff.list", Params.StaffList.self, access: Self.readers) { _, p in
            try await db.read { conn in try StaffRepository.list(conn, p) }
        }
    }
}
