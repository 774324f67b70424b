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
        registry.registerWrite("staff.create", db: db) { ctx, fields in try StaffRepository.create(ctx, fields: fields)
        }
        registry.registerUpdate("staff.update", db: db, StaffRepository.update)
        registry.registerWrite("staff.deactivate", Params.StaffDeactivate.self, db: db, effect: .destructiveWrite) {
            ctx, p in
            try StaffRepository.deactivate(ctx, id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.register(
            ServerMethod(
                name: "staff.get",
                handler: .sync { _, p in
                    try db.readNow { conn in .object(try StaffRepository.records.get(conn, id: p.recordID)) }
                }), access: Self.readers)
        registry.register(
            ServerMethod(
                name: "staff.list",
                handler: .async { _, p in
                    try await db.read { conn in
                        try StaffRepository.list(
                            conn, try TypedRecords.params(Params.StaffList.self, p.objectValue ?? [:]))
                    }
                }), access: Self.readers)
    }
}
