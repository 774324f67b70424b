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
        registry.registerWrite("students.create", db: db, access: Self.programmeAndInstitution) { ctx, p in
            .object(try StudentRepository.create(ctx, fields: p))
        }
        registry.registerUpdate(
            "students.update", db: db, access: Self.programmeAndInstitution, StudentRepository.update)
        registry.registerWrite(
            "students.upsert", db: db, access: Self.programmeAndInstitution, effect: .idempotentWrite
        ) { ctx, p in
            Self.upserted(try StudentRepository.upsert.run(ctx, fields: p, expectedVersion: p.expectedVersion))
        }
        registry.register(
            ServerMethod(
                name: "students.get",
                handler: .sync { ctx, p in
                    let id = p.recordID
                    return try db.readNow { conn in
                        let record = try StudentRepository.records.get(conn, id: id)
                        if let company = ctx.companyScope {
                            guard try StudentRepository.isPlaced(conn, studentID: id, atCompany: company) else {
                                throw DomainError.notFound(entity: "student", id: id)
                            }
                            return .object(ctx.policy.present(student: record))
                        }
                        return .object(try StudentRepository.records.visible(conn, id: id, to: ctx.policy).json)
                    }
                }), access: Self.everyone)
        registry.register(
            ServerMethod(
                name: "students.list",
                handler: .async { ctx, p in
                    let institution = ctx.institutionScope
                    let company = ctx.companyScope
                    return try await db.read { conn in
                        try StudentRepository.list(
                            conn, try TypedRecords.params(Params.StudentsList.self, p.objectValue ?? [:]),
                            onlyInstitution: institution, onlyCompany: company)
                    }
                }), access: Self.everyone)
    }
}
