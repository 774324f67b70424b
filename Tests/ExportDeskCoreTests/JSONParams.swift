import ExportDeskCore
import ExportDeskSchemas
import JSON
import Storage
import Support

// The domain takes each create's typed params; these tests write params as JSON, the way a client sends them,
// and read them into the method's type exactly as the server does after validation.

extension AgreementRepository {
    static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        try create(ctx, TypedRecords.params(Params.AgreementsCreate.self, fields))
    }
}

extension CompanyRepository {
    static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        try create(ctx, TypedRecords.params(Params.CompaniesCreate.self, fields))
    }
}

extension EventRepository {
    static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        try create(ctx, TypedRecords.params(Params.EventsCreate.self, fields))
    }
}

extension InstitutionRepository {
    static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        try create(ctx, TypedRecords.params(Params.InstitutionsCreate.self, fields))
    }
}

extension OfferRepository {
    static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        try create(ctx, TypedRecords.params(Params.OffersCreate.self, fields))
    }
}

extension ParticipationRepository {
    static func apply(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        try apply(ctx, TypedRecords.params(Params.ParticipationsApply.self, fields))
    }
}

extension RequestRepository {
    static func submit(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        try submit(ctx, TypedRecords.params(Params.RequestsSubmit.self, fields))
    }
}

extension StaffRepository {
    static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        try create(ctx, TypedRecords.params(Params.StaffCreate.self, fields))
    }
}

extension StrategyRepository {
    static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONValue {
        try create(ctx, TypedRecords.params(Params.StrategiesCreate.self, fields))
    }
}

extension StudentRepository {
    static func create(_ ctx: WriteContext, fields: JSONObject) throws -> JSONObject {
        try create(ctx, TypedRecords.params(Params.StudentsCreate.self, fields))
    }
}

extension ListPage {
    /// A page as the list method answers it, for tests that read it as a client does.
    subscript(key: String) -> JSONValue? { json[key] }
}

extension Results.StrategiesProgress {
    subscript(key: String) -> JSONValue? { json[key] }
}

extension Reminders {
    static func list(_ db: any SQLDatabase, params: JSONObject, scope: Scope, today: String) throws -> JSONValue {
        try list(db, TypedRecords.params(Params.RemindersList.self, params), scope: scope, today: today).json
    }
}

extension Reports {
    static func events(_ db: any SQLDatabase, params: JSONObject) throws -> JSONValue {
        try events(db, TypedRecords.params(Params.ReportsEvents.self, params)).json
    }
}

extension Reports {
    static func summary(_ db: any SQLDatabase, params: JSONObject, today: String = WallClock.today) throws -> JSONValue
    {
        try summary(db, TypedRecords.params(Params.ReportsSummary.self, params), today: today).json
    }

    static func internships(_ db: any SQLDatabase, params: JSONObject, scope: InternshipScope) throws -> JSONValue {
        try internships(db, TypedRecords.params(Params.ReportsInternships.self, params), scope: scope).json
    }
}

extension RequestReport {
    static func build(_ db: any SQLDatabase, params: JSONObject, now: Int64 = WallClock.nowMillis) throws -> JSONValue {
        try build(db, TypedRecords.params(Params.ReportsRequests.self, params), now: now).json
    }
}
