import Dispatch
import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage

/// students.*: the students of partner institutions, with their personal data kept to those who may see it (SPEC §6, §8).
extension PlacementMethods {
    func registerStudents(in registry: inout MethodSet) {
        let db = self.db
        registry.registerWrite(
            "students.create", Params.StudentsCreate.self, db: db, access: Self.programmeAndInstitution
        ) { ctx, p in
            Stored(try StudentRepository.create(ctx, p))
        }
        registry.registerUpdate(
            "students.update", Params.StudentsUpdate.self, db: db, access: Self.programmeAndInstitution
        ) { ctx, id, patch, version in
            Stored(try StudentRepository.update(ctx, id: id, patch: patch, expectedVersion: version))
        }
        registry.registerWrite(
            "students.upsert", Params.StudentsUpsert.self, db: db, access: Self.programmeAndInstitution,
            effect: .idempotentWrite
        ) { ctx, p in
            let (outcome, record) = try StudentRepository.upsert.run(
                ctx, fields: p.json.objectValue ?? [:], expectedVersion: p.expectedVersion)
            return Results.StudentsUpsert(
                outcome: try TypedRecords.decode(Results.StudentsUpsert.Outcome.self, .string(outcome.rawValue)),
                record: try StudentRepository.records.typed(record))
        }
        registry.registerInline("students.get", Params.StudentsGet.self, access: Self.everyone) { ctx, p in
            try db.readNow { conn in
                let record = try StudentRepository.records.get(conn, id: p.id)
                if let company = ctx.companyScope {
                    guard try StudentRepository.isPlaced(conn, studentID: p.id, atCompany: company) else {
                        throw DomainError.notFound(entity: "student", id: p.id)
                    }
                    return Stored(ctx.policy.present(student: record))
                }
                return Stored(try StudentRepository.records.visible(conn, id: p.id, to: ctx.policy).json)
            }
        }
        registry.register("students.list", Params.StudentsList.self, access: Self.everyone) { ctx, p in
            let institution = ctx.institutionScope
            let company = ctx.companyScope
            return try await db.read { conn in
                try StudentRepository.list(conn, p, onlyInstitution: institution, onlyCompany: company)
            }
        }
    }
}
