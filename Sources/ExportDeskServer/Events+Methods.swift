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

        registry.registerWrite("events.create", Params.EventsCreate.self, db: db) { ctx, p in
            Stored(try EventRepository.create(ctx, p))
        }
        registry.registerUpdate("events.update", Params.EventsUpdate.self, db: db) { ctx, id, patch, version in
            Stored(try EventRepository.update(ctx, id: id, patch: patch, expectedVersion: version))
        }
        registry.registerWrite("events.open", Params.EventsOpen.self, db: db) { ctx, p in
            Stored(try EventRepository.transition(ctx, verb: "open", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("events.close", Params.EventsClose.self, db: db) { ctx, p in
            Stored(try EventRepository.transition(ctx, verb: "close", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("events.complete", Params.EventsComplete.self, db: db) { ctx, p in
            Stored(try EventRepository.transition(ctx, verb: "complete", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("events.cancel", Params.EventsCancel.self, db: db, effect: .destructiveWrite) { ctx, p in
            Stored(try EventRepository.transition(ctx, verb: "cancel", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerInline("events.get", Params.EventsGet.self, access: Self.eventReaders) { _, p in
            try db.readNow { conn in try EventRepository.records.stored(conn, id: p.id) }
        }
        registry.register("events.list", Params.EventsList.self, access: Self.eventReaders) { _, p in
            try await db.read { conn in try EventRepository.list(conn, p) }
        }

        registry.registerWrite("participations.apply", Params.ParticipationsApply.self, db: db) { ctx, p in
            Stored(try ParticipationRepository.apply(ctx, p))
        }
        registry.registerWrite("participations.approve", Params.ParticipationsApprove.self, db: db) { ctx, p in
            Stored(
                try ParticipationRepository.approve(
                    ctx, id: p.id, orWaitlist: p.orWaitlist ?? false, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("participations.waitlist", Params.ParticipationsWaitlist.self, db: db) { ctx, p in
            Stored(
                try ParticipationRepository.transition(
                    ctx, verb: "waitlist", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite(
            "participations.reject", Params.ParticipationsReject.self, db: db, effect: .destructiveWrite
        ) { ctx, p in
            Stored(
                try ParticipationRepository.transition(
                    ctx, verb: "reject", id: p.id, expectedVersion: p.expectedVersion
                ) {
                    $0.decisionReason = p.reason
                })
        }
        registry.registerWrite(
            "participations.withdraw", Params.ParticipationsWithdraw.self, db: db, effect: .destructiveWrite
        ) { ctx, p in
            Stored(
                try ParticipationRepository.transition(
                    ctx, verb: "withdraw", id: p.id, expectedVersion: p.expectedVersion))
        }
        registry.registerWrite("participations.markAttendance", Params.ParticipationsMarkAttendance.self, db: db) {
            ctx, p in
            Stored(
                try ParticipationRepository.transition(
                    ctx, verb: "markAttendance", id: p.id, expectedVersion: p.expectedVersion, attended: p.attended))
        }
        registry.registerWrite("participations.recordResults", Params.ParticipationsRecordResults.self, db: db) {
            ctx, p in
            Stored(
                try ParticipationRepository.transition(
                    ctx, verb: "recordResults", id: p.id, expectedVersion: p.expectedVersion
                ) { $0.results = p.results })
        }
        registry.registerGet(
            "participations.get", Params.ParticipationsGet.self, ParticipationRepository.records, db: db,
            access: Self.participationReaders)
        registry.register("participations.list", Params.ParticipationsList.self, access: Self.participationReaders) {
            ctx, p in
            let only = ctx.companyScope
            return try await db.read { conn in try ParticipationRepository.list(conn, p, onlyCompany: only) }
        }
    }
}
