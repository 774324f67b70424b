import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// reminders.list: what needs attention soon, for every role, each partner seeing its own records.
struct ReminderMethods {
    let db: Persistence

    func register(in registry: inout MethodSet) {
        let db = self.db
        registry.register("reminders.list", Params.RemindersList.self, access: .anyRole) { ctx, p in
            let scope = Reminders.Scope(institutionID: ctx.institutionScope, companyID: ctx.companyScope)
            return try await db.read { conn in
                try Reminders.list(conn, p, scope: scope)
            }
        }
    }
}
