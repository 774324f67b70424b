import ExportDeskCore
import JSON
import JSONRPC

/// events.* and participations.*: exhibitions and business missions, and companies' applications (SPEC §5).
struct EventMethods {
    let db: Persistence

    /// Events are public programme information for every role; participations are a company's own business.
    static let eventReaders = AccessRule.anyRole
    static let participationReaders = AccessRule.roles([.admin, .staff, .viewer, .company])

    func register(in registry: inout MethodSet) {
        let db = self.db
        func write(_ name: String, _ body: @escaping @Sendable (WriteContext, JSONObject) throws -> JSONValue) {
            registry.registerWrite(name, db: db, access: .staffOnly, body)
        }

        write("events.create") { ctx, p in try EventRepository.create(ctx, fields: p) }
        write("events.update") { ctx, p in
            try EventRepository.update(ctx, id: p.recordID, patch: p["patch"]?.objectValue ?? JSONObject(), expectedVersion: p.expectedVersion)
        }
        for verb in ["open", "close", "complete", "cancel"] {
            write("events.\(verb)") { ctx, p in try EventRepository.transition(ctx, verb: verb, id: p.recordID, expectedVersion: p.expectedVersion) }
        }
        registry.register(RPCMethod(name: "events.get", handler: .sync { _, p in
            try db.readNow { conn in .object(try EventRepository.records.get(conn, id: p["id"]?.stringValue ?? "")) }
        }), access: Self.eventReaders)
        registry.register(RPCMethod(name: "events.list", handler: .async { _, p in
            try await db.read { conn in try EventRepository.list(conn, params: p) }
        }), access: Self.eventReaders)

        write("participations.apply") { ctx, p in try ParticipationRepository.apply(ctx, fields: p) }
        write("participations.approve") { ctx, p in
            try ParticipationRepository.approve(ctx, id: p.recordID, orWaitlist: p["orWaitlist"]?.boolValue ?? false, expectedVersion: p.expectedVersion)
        }
        write("participations.waitlist") { ctx, p in try ParticipationRepository.transition(ctx, verb: "waitlist", id: p.recordID, expectedVersion: p.expectedVersion) }
        write("participations.reject") { ctx, p in
            try ParticipationRepository.transition(ctx, verb: "reject", id: p.recordID, expectedVersion: p.expectedVersion) { $0["decisionReason"] = p["reason"] }
        }
        write("participations.withdraw") { ctx, p in try ParticipationRepository.transition(ctx, verb: "withdraw", id: p.recordID, expectedVersion: p.expectedVersion) }
        write("participations.markAttendance") { ctx, p in
            try ParticipationRepository.transition(ctx, verb: "markAttendance", id: p.recordID, expectedVersion: p.expectedVersion) { $0["attended"] = p["attended"] }
        }
        write("participations.recordResults") { ctx, p in
            try ParticipationRepository.transition(ctx, verb: "recordResults", id: p.recordID, expectedVersion: p.expectedVersion) { $0["results"] = p["results"] }
        }
        registry.register(RPCMethod(name: "participations.get", handler: .sync { ctx, p in
            let record = try db.readNow { conn in .object(try ParticipationRepository.records.get(conn, id: p["id"]?.stringValue ?? "")) }
            if let principal = ctx.principal, principal.role == .company, record["companyId"]?.stringValue != principal.companyID {
                throw RPCError.notFound(entity: "participation", id: p["id"]?.stringValue ?? "")
            }
            return record
        }), access: Self.participationReaders)
        registry.register(RPCMethod(name: "participations.list", handler: .async { ctx, p in
            let only = ctx.principal?.role == .company ? (ctx.principal?.companyID ?? "") : nil
            return try await db.read { conn in try ParticipationRepository.list(conn, params: p, onlyCompany: only) }
        }), access: Self.participationReaders)
    }
}
