import ExportDeskCore
import ExportDeskSchemas
import Foundation
import JSON
import Storage
import Support
import TestSupport
import Testing

/// The record types generated from Schemas/components (SchemaEmbedder) hold every record the system writes:
/// each demo record and each schema example decodes into its type and encodes back to the same JSON.
struct RecordTypeTests {
    struct ReadersDisagree: Error, CustomStringConvertible { let description: String }

    /// Decodes into the generated type and encodes back, both ways the server reads and writes JSON (Codable,
    /// and the generated JSONReadable reader and JSONWritable writer every write and answer uses), which must
    /// agree.
    static func roundTrip<T: Codable & JSONReadable & JSONWritable>(
        _ type: T.Type, _ value: JSONValue
    ) throws -> JSONValue {
        let viaCodable = try JSONValueEncoder().encode(try JSONValueDecoder().decode(T.self, from: value))
        let viaReader = try JSONValueEncoder().encode(try T(json: value))
        let viaWriter = try T(json: value).json
        guard viaCodable == viaReader, viaWriter == viaReader else {
            throw ReadersDisagree(
                description:
                    "\(T.self): Codable read \(viaCodable.serializedString()), JSONReadable \(viaReader.serializedString()), the writer wrote \(viaWriter.serializedString())"
            )
        }
        return viaWriter
    }

    static let types: [(table: String, schema: String, roundTrip: @Sendable (JSONValue) throws -> JSONValue)] = [
        ("companies", "Company", { try roundTrip(Records.Company.self, $0) }),
        ("staff", "Staff", { try roundTrip(Records.Staff.self, $0) }),
        ("requests", "SupportRequest", { try roundTrip(Records.SupportRequest.self, $0) }),
        ("events", "Event", { try roundTrip(Records.Event.self, $0) }),
        ("participations", "Participation", { try roundTrip(Records.Participation.self, $0) }),
        ("strategies", "Strategy", { try roundTrip(Records.Strategy.self, $0) }),
        ("institutions", "Institution", { try roundTrip(Records.Institution.self, $0) }),
        ("agreements", "Agreement", { try roundTrip(Records.Agreement.self, $0) }),
        ("offers", "Offer", { try roundTrip(Records.Offer.self, $0) }),
        ("students", "Student", { try roundTrip(Records.Student.self, $0) }),
        ("placements", "Placement", { try roundTrip(Records.Placement.self, $0) }),
        ("changes", "ChangeEntry", { try roundTrip(Records.ChangeEntry.self, $0) }),
        ("tokens", "Token", { try roundTrip(Records.Token.self, $0) }),
    ]

    @Test func everyDemoRecordDecodesIntoItsTypeAndEncodesBackTheSame() async throws {
        let dir = TemporaryDirectory()
        let store = try Engines.open(dir.database("demo"))
        defer { store.close() }
        _ = try await DemoData.load(into: store)
        for (table, _, roundTrip) in Self.types where !["changes", "tokens"].contains(table) {
            let records = try await store.read { db -> [JSONValue] in
                var out: [JSONValue] = []
                try db.query("SELECT data FROM \(table)") { s in
                    out.append(try s.withBytes(0) { try JSONParser.parse($0) })
                }
                return out
            }
            #expect(!records.isEmpty)
            var failures: [String] = []
            for stored in records {
                let record =
                    table == "agreements"
                    ? .object(AgreementRepository.withStatus(stored.objectValue ?? [:], today: WallClock.today))
                    : stored
                do {
                    let back = try roundTrip(record)
                    if back != record {
                        failures.append(
                            "\(record["id"] ?? .null): encodes back as \(back.serializedString().prefix(200))")
                    }
                } catch {
                    failures.append("\(record["id"] ?? .null): \(error)")
                }
            }
            #expect(failures.isEmpty, "\(failures.count) of \(records.count) \(table): \(failures.prefix(2))")
        }
    }

    @Test func everySchemaExampleDecodesIntoItsTypeAndEncodesBackTheSame() throws {
        var checked = 0
        for (_, schema, roundTrip) in Self.types {
            let document = try JSONParser.parse(EmbeddedSchemas.files["components/\(schema).json"] ?? "")
            for example in document["examples"]?.arrayValue ?? [] {
                #expect(try roundTrip(example) == example, "an example of \(schema)")
                checked += 1
            }
        }
        #expect(checked >= 5, "the record schemas carry examples (\(checked))")
    }

    @Test func statesAreEnumsAndRequiredFieldsAreNotOptional() throws {
        let placement = try JSONValueDecoder().decode(
            Records.Placement.self,
            from: [
                "id": "pl_01JD5X8Q3W4E5R6T7Y8V9K0P1A", "studentId": "su_01JD5X8Q3W4E5R6T7Y8V9K0P1A",
                "offerId": "of_01JD5X8Q3W4E5R6T7Y8V9K0P1A",
                "companyId": "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A", "institutionId": "in_01JD5X8Q3W4E5R6T7Y8V9K0P1A",
                "startsOn": "2026-06-01",
                "endsOn": "2026-07-31", "status": "confirmed", "version": 2, "createdAt": "2026-05-01T10:00:00.000Z",
                "updatedAt": "2026-05-02T10:00:00.000Z",
            ])
        #expect(placement.status == .confirmed && placement.completion == nil)
        #expect(
            Records.Placement.Status.allCases.map(\.rawValue) == [
                "proposed", "confirmed", "active", "completed", "cancelled", "terminated",
            ])
        #expect(throws: DecodingError.self) {
            try JSONValueDecoder().decode(
                Records.Placement.self, from: ["id": "pl_01JD5X8Q3W4E5R6T7Y8V9K0P1A", "status": "confirmed"])
        }
        #expect(throws: DecodingError.self, "a state the schema does not list") {
            var bad = try JSONValueEncoder().encode(placement).objectValue!
            bad["status"] = "paused"
            _ = try JSONValueDecoder().decode(Records.Placement.self, from: .object(bad))
        }
        var bad = try JSONValueEncoder().encode(placement).objectValue!
        bad["status"] = "paused"
        let error = #expect(throws: JSONReadError.self, "the generated reader refuses it too, naming the member") {
            _ = try Records.Placement(json: .object(bad))
        }
        #expect(error?.pointer == "/status")
        bad["status"] = "confirmed"
        bad["startsOn"] = nil
        #expect(throws: JSONReadError(path: ["startsOn"], expected: "present")) {
            _ = try Records.Placement(json: .object(bad))
        }
    }
}

extension RecordTypeTests {
    /// A construct the generator does not know stops the build with the file and the JSON Pointer.
    @Test func anUnsupportedConstructFailsNamingTheFileAndThePointer() throws {
        let tool = ["SchemaEmbedder-tool", "SchemaEmbedder"].map { RepositoryPaths.buildDirectory + "/" + $0 }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
        let generator = try #require(tool, "the SchemaEmbedder build tool is built with the package")
        let dir = TemporaryDirectory()
        try FileManager.default.createDirectory(
            atPath: dir.file("schemas/components"), withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: RepositoryPaths.root + "/Schemas/components") {
            try FileManager.default.copyItem(
                atPath: RepositoryPaths.root + "/Schemas/components/" + file,
                toPath: dir.file("schemas/components/" + file))
        }
        let good = try Command.run(
            generator, [dir.file("schemas"), dir.file("files.swift"), dir.file("records.swift")])
        #expect(good.status == 0, "\(good.err)")
        #expect(
            try String(contentsOfFile: dir.file("records.swift"), encoding: .utf8).contains(
                "public struct Placement: Codable, Sendable, Equatable"))
        // A oneOf in a placement's field: not a construct Schemas/ uses, so not one the generator guesses at.
        var placement = try JSONParser.parse(
            String(contentsOfFile: dir.file("schemas/components/Placement.json"), encoding: .utf8)
        ).objectValue!
        var properties = placement["properties"]!.objectValue!
        properties["startsOn"] = ["oneOf": [["type": "string"], ["type": "integer"]]]
        placement["properties"] = .object(properties)
        try JSONValue.object(placement).serializedString().write(
            toFile: dir.file("schemas/components/Placement.json"), atomically: true, encoding: .utf8)
        let bad = try Command.run(
            generator, [dir.file("schemas"), dir.file("files.swift"), dir.file("records2.swift")])
        #expect(bad.status != 0)
        #expect(bad.err.contains("Placement.json#/properties/startsOn"), "\(bad.err)")
    }
}

extension RecordTypeTests {
    @Test func everyMethodHasAParamsTypeAndItsExamplesRoundTrip() throws {
        var methods = 0
        var examples = 0
        for (path, text) in EmbeddedSchemas.files where path.hasPrefix("methods/") && path.hasSuffix(".params.json") {
            let method = String(path.dropFirst("methods/".count).dropLast(".params.json".count))
            let type = try #require(Params.byMethod[method], "a params type for \(method)")
            methods += 1
            for example in try JSONParser.parse(text)["examples"]?.arrayValue ?? [] {
                #expect(
                    try Self.roundTrip(type, example) == example,
                    "\(method) example \(example.serializedString().prefix(120))")
                examples += 1
            }
        }
        #expect(methods == Params.byMethod.count && methods > 80)
        #expect(examples >= methods, "every method has at least one example (\(examples) for \(methods))")
        #expect(Params.PlacementsComplete.method == "placements.complete")
    }
}

extension RecordTypeTests {
    /// A method's result read into the type its params name (`P.Result`) and written back by its writer.
    static func resultRoundTrip<P: MethodParams>(_ type: P.Type, _ value: JSONValue) throws -> JSONValue {
        try P.Result(json: value).json
    }

    static func resultTypeName<P: MethodParams>(_ type: P.Type) -> String {
        String(reflecting: P.Result.self).replacingOccurrences(of: "ExportDeskSchemas.", with: "")
    }

    @Test func everyMethodsResultExamplesReadIntoItsResultTypeAndWriteBackTheSame() throws {
        var examples = 0
        var structs = 0
        for (method, type) in Params.byMethod {
            let text = try #require(EmbeddedSchemas.files["methods/\(method).result.json"], "\(method) has a result")
            for example in try JSONParser.parse(text)["examples"]?.arrayValue ?? [] {
                #expect(
                    try Self.resultRoundTrip(type, example) == example,
                    "\(method) result example \(example.serializedString().prefix(120))")
                examples += 1
            }
            if Self.resultTypeName(type).hasPrefix("Results.") { structs += 1 }
        }
        #expect(examples >= Params.byMethod.count, "every method has a result example (\(examples))")
        #expect(structs >= 20, "the results that are not records are generated structs (\(structs))")
        #expect(Self.resultTypeName(Params.CompaniesGet.self) == "Stored<Records.Company>")
        #expect(Self.resultTypeName(Params.PlacementsList.self) == "ListPage<Records.Placement>")
        #expect(Self.resultTypeName(Params.ReportsSummary.self) == "Results.ReportsSummary")
    }

    /// An object its schema leaves open keeps what it does not declare: a sync item's error data names the
    /// duplicate's field and id beside its reason, and nothing of it is lost on the way out.
    @Test func anOpenObjectKeepsTheMembersItsSchemaDoesNotDeclare() throws {
        let data: JSONObject = [
            "reason": "DUPLICATE", "field": "externalRef", "existingId": "su_01JD5X8Q3W4E5R6T7Y8V9K0P1A",
        ]
        let error: JSONObject = ["code": .number(.int(-32009)), "message": "duplicate", "data": .object(data)]
        let item: JSONValue = ["index": 3, "error": .object(error)]
        let read = try Results.SyncPush.Result(json: item)
        #expect(read.error?.data.reason == "DUPLICATE")
        #expect(read.error?.data.additionalMembers["existingId"] == "su_01JD5X8Q3W4E5R6T7Y8V9K0P1A")
        #expect(read.json == item)
        let closed: JSONValue = ["subscriptionId": "s1", "unsubscribed": true, "extra": 1]
        #expect(try Results.ChangesUnsubscribe(json: closed).json == ["subscriptionId": "s1", "unsubscribed": true])
    }
}

extension RecordTypeTests {
    /// A page of stored rows is sent as their text, written around them; it reads as the same page parsed, with
    /// and without a total, and a page whose items were changed (a reduced student) is written from its values.
    @Test func aPageOfStoredRowsIsTheSamePageAsItsParsedForm() throws {
        let rows = [
            #"{"id":"co_01JD5X8Q3W4E5R6T7Y8V9K0P1A","name":"ООО «Альфа»","version":1}"#,
            #"{"id":"co_01JD5X8Q3W4E5R6T7Y8V9K0P1B","name":"Beta \"B\"","tags":["x"],"version":2}"#,
        ].map { Array($0.utf8) }
        for total: Int64? in [nil, 2] {
            for cursor: String? in [nil, "abc"] {
                let page = ListPage<Records.Company>(rows: rows, nextCursor: cursor, total: total)
                let text = try #require(page.serializedJSON)
                #expect(try JSONParser.parse(text) == page.json)
                #expect(page.json["items"]?.arrayValue?.count == 2)
                #expect(page.json["nextCursor"] == (cursor.map(JSONValue.string) ?? .null))
            }
        }
        let reduced = ListPage<Records.Company>(rows: rows, nextCursor: nil, total: nil).mapItems {
            ["id": $0["id"] ?? .null]
        }
        #expect(reduced.serializedJSON == nil)
        #expect(reduced.json["items"]?.arrayValue?.first == ["id": "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A"])
        let stored = Stored<Records.Company>(serialized: rows[1])
        #expect(stored.serializedJSON == rows[1])
        #expect(stored.object["tags"] == ["x"])
    }
}
