import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import JSONSchema
import SQLiteStore
import Storage
import Support
import TestSupport
import Testing

@testable import ExportDeskServer

/// Issue 12 item 10: every record the demo writes is one its schema allows, so `X.get` and `X.list` on a
/// demo database answer results that pass their result schemas.
struct DemoSchemaTests {
    static let tables: [(table: String, schema: String)] = [
        ("companies", "Company"), ("staff", "Staff"), ("requests", "SupportRequest"), ("events", "Event"),
        ("participations", "Participation"), ("strategies", "Strategy"), ("institutions", "Institution"),
        ("agreements", "Agreement"), ("offers", "Offer"), ("students", "Student"), ("placements", "Placement"),
    ]

    @Test func everyRecordOfADemoDatabaseValidatesAgainstItsSchema() async throws {
        let dir = TemporaryDirectory()
        let store = try Engines.open(dir.database("demo"))
        defer { store.close() }
        let counts = try await DemoData.load(into: store)
        #expect(counts.events == 150 && counts.requests == 280 && counts.participations > 500)
        let catalog = SchemaCatalog.embedded
        for (table, schema) in Self.tables {
            let validator = try catalog.validator(uri: EmbeddedSchemas.baseURI + "components/\(schema).json")
            let records = try await store.read { db -> [JSONValue] in
                var out: [JSONValue] = []
                try db.query("SELECT data FROM \(table)") { s in
                    out.append(try s.withBytes(0) { try JSONParser.parse($0) })
                }
                return out
            }
            #expect(!records.isEmpty, "the demo writes \(table)")
            var broken = 0
            for stored in records {
                // An agreement's status is derived from its dates when it is read (SPEC §6).
                let record =
                    table == "agreements"
                    ? .object(AgreementRepository.withStatus(stored.objectValue ?? [:], today: WallClock.today))
                    : stored
                let problems = validator.validate(record)
                if !problems.isEmpty {
                    if broken < 3 {
                        Issue.record(
                            "\(table) \(record["id"] ?? .null): \(problems.prefix(3).map { "\($0.instancePath) \($0.message)" })"
                        )
                    }
                    broken += 1
                }
            }
            #expect(broken == 0, "\(broken) of \(records.count) \(table) break Schemas/components/\(schema).json")
        }
        // Every state a record can be in appears, reached through the lifecycles.
        let states = try await store.read { db -> [String: Set<String>] in
            var out: [String: Set<String>] = [:]
            for table in ["events", "participations", "requests"] {
                try db.query("SELECT DISTINCT status FROM \(table)") {
                    out[table, default: []].insert($0.text(0) ?? "")
                }
            }
            return out
        }
        #expect(states["events"] == ["draft", "open", "completed", "cancelled"])
        #expect(states["requests"] == ["new", "assigned", "in_progress", "resolved", "rejected"])
        #expect(
            states["participations"]?.isSuperset(of: [
                "applied", "approved", "waitlisted", "rejected", "withdrawn", "attended", "no_show", "cancelled",
            ]) == true)
    }
}
