import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// events.* and participations.*: exhibitions and business missions, and companies' applications (SPEC §5).
struct EventMethods {
    let db: Persistence

    /// Events are public programme information for every role; participations are a company's own business.
    static let eventReaders = AccessRule.anyRole
    static let participationReaders = AccessRule.programmeAndCompany

    func register(in registry: inout MethodSet) {
        let db = self.db

        registry.registerWrite("events.create", db: db) { ctx, p in try EventRepository.create(ctx, fields: p) }
        registry.registerUpdate("events.update", db: db, EventRepository.update)
        registry.registerWrite("events.open", Params.EventsOpen.self, db: db) { ctx, p in
            try EventRepository.transition(ctx, verb: "open", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("events.close", Params.EventsClose.self, db: db) { ctx, p in
            try EventRepository.transition(ctx, verb: "close", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("events.complete", Params.EventsComplete.self, db: db) { ctx, p in
            try EventRepository.transition(ctx, verb: "complete", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("events.cancel", Params.EventsCancel.self, db: db, effect: .destructiveWrite) { ctx, p in
            try EventRepository.transition(ctx, verb: "cancel", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.register(
            ServerMethod(
                name: "events.get",
                handler: .sync { _, p in
                    try db.readNow { conn in .object(try EventRepository.records.get(conn, id: p.recordID)) }
                }), access: Self.eventReaders)
        registry.register(
            ServerMethod(
                name: "events.list",
                handler: .async { _, p in
                    try await db.read { conn in
                        try EventRepository.list(
                            conn, try TypedRecords.params(Params.EventsList.self, p.objectValue ?? [:]))
                    }
                }), access: Self.eventReaders)

        registry.registerWrite("participations.apply", db: db) { ctx, p in
            try ParticipationRepository.apply(ctx, fields: p)
        }
        registry.registerWrite("participations.approve", Params.ParticipationsApprove.self, db: db) { ctx, p in
            try ParticipationRepository.approve(
                ctx, id: p.id, orWaitlist: p.orWaitlist ?? false, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("participations.waitlist", Params.ParticipationsWaitlist.self, db: db) { ctx, p in
            try ParticipationRepository.transition(ctx, verb: "waitlist", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite(
            "participations.reject", Params.ParticipationsReject.self, db: db, effect: .destructiveWrite
        ) { ctx, p in
            try ParticipationRepository.transition(ctx, verb: "reject", id: p.id, expectedVersion: p.expectedVersion) {
                $0.decisionReason = p.reason
            }
        }
        registry.registerWrite(
            "participations.withdraw", Params.ParticipationsWithdraw.self, db: db, effect: .destructiveWrite
        ) { ctx, p in
            try ParticipationRepository.transition(ctx, verb: "withdraw", id: p.id, expectedVersion: p.expectedVersion)
        }
        registry.registerWrite("participations.markAttendance", Params.ParticipationsMarkAttendance.self, db: db) {
            ctx, p in
            try ParticipationRepository.transition(
                ctx, verb: "markAttendance", id: p.id, expectedVersion: p.expectedVersion, attended: p.attended)
        }
        registry.registerWrite("participations.recordResults", Params.ParticipationsRecordResults.self, db: db) {
            ctx, p in
            try ParticipationRepository.transition(
                ctx, verb: "recordResults", id: p.id, expectedVersion: p.expectedVersion
            ) { $0.results = p.results }
        }
        registry.registerGet(
            "participations.get", ParticipationRepository.records, db: db, access: Self.participationReaders)
        registry.register(
            ServerMethod(
                name: "participations.list",
                handler: .async { ctx, p in
                    let only = ctx.companyScope
                    return try await db.read { conn in
                        try ParticipationRepository.list(
                            conn, try TypedRecords.params(Params.ParticipationsList.self, p.objectValue ?? [:]),
                            onlyCompany: only)
                    }
                }), access: Self.participationReaders)
    }
}
