import ExportDeskClient
import ExportDeskServer
import Foundation
import JSON
import JSONRPC

/// `exportdesk export ENTITY [--filter JSON] --format csv|jsonl [--out FILE]`: every record of a list, page by
/// page (keyset pages of 500, written as they come, so a million rows take constant memory), through the
/// running server and so with the caller's scope and personal-data rules. CSV is what a spreadsheet opens with
/// Cyrillic intact: UTF-8 with a BOM, `;`, RFC 4180 quoting. Companies and students use the import's columns,
/// so an export imports back.
enum ExportCommand {
    static let entities = [
        "companies", "staff", "requests", "events", "participations", "strategies", "institutions",
        "agreements", "offers", "students", "placements", "tokens",
    ]

    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        let a = try Arguments(args, valued: ServerConnection.options.union(["filter", "format", "out"]), flags: [])
        guard a.positionals.count == 1, let entity = a.positionals.first, entities.contains(entity) else {
            throw Arguments.UsageError(description: "export needs one ENTITY: \(entities.joined(separator: ", "))")
        }
        guard let format = a.value("format"), format == "csv" || format == "jsonl" else {
            throw Arguments.UsageError(description: "--format must be csv or jsonl")
        }
        var filter: JSONValue?
        if let text = a.value("filter") {
            do { filter = try JSONParser.parse(text) } catch {
                throw Arguments.UsageError(description: "--filter is not valid JSON: \(error)")
            }
        }
        // A list that pages takes limit and cursor; one that does not (tokens.list) answers in one page.
        let listParams = SchemaCatalog.embedded.documents["methods/\(entity).list.params.json"]?["properties"]
        let pages = listParams?["limit"] != nil
        if filter != nil && listParams?["filter"] == nil {
            throw Arguments.UsageError(description: "\(entity).list takes no filter")
        }
        let out: FileHandle
        if let path = a.value("out") {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                let h = FileHandle(forWritingAtPath: path)
            else {
                printError("exportdesk: cannot write \(path)")
                return 1
            }
            out = h
        } else {
            out = FileHandle.standardOutput
        }
        let connection: RPCConnection
        do { connection = try ServerConnection.open(a) } catch let failed as ServerConnection.Failed {
            return failed.status
        }
        let csv = format == "csv" ? CSVExport(entity: entity) : nil
        if let csv { out.write(Data([0xEF, 0xBB, 0xBF]) + Data(csv.header().utf8)) }
        var cursor: JSONValue = .null
        var count = 0
        repeat {
            var params: JSONObject = pages ? ["limit": 500] : [:]
            if let filter { params["filter"] = filter }
            if !cursor.isNull { params["cursor"] = cursor }
            let page: JSONValue
            do {
                page = try connection.call("\(entity).list", .object(params), timeout: 120)
            } catch let error as RPCError {
                printError(error.json.serializedString(pretty: true))
                return 1
            }
            var chunk = ""
            for record in page["items"]?.arrayValue ?? [] {
                chunk += csv.map { $0.row(record) } ?? (record.serializedString() + "\n")
                count += 1
            }
            out.write(Data(chunk.utf8))
            cursor = page["nextCursor"] ?? .null
        } while !cursor.isNull
        if a.value("out") != nil { printError("exported \(count) \(entity)") }
        return 0
    }
}

/// The CSV columns of one entity and how a record fills them.
struct CSVExport {
    let columns: [String]
    let entity: String

    init(entity: String) {
        self.entity = entity
        switch entity {
        case "companies":
            columns =
                ImportCommand.textFields.sorted() + ImportCommand.listFields.sorted()
                + ImportCommand.contactColumns.map(\.0) + ["exportVolume", "exportCurrency"]
        case "students":
            columns = [
                "institutionId", "fullName", "birthDate", "specialty", "course", "email", "phone", "externalSystem",
                "externalId",
            ]
        default:
            // Every property of the record's schema (what the list's items refer to), in its order.
            let list = SchemaCatalog.embedded.documents["methods/\(entity).list.result.json"]
            let component = list?["properties"]?["items"]?["items"]?["$ref"]?.stringValue.map {
                "components/" + $0.dropFirst("../components/".count)
            }
            let properties = component.flatMap { SchemaCatalog.embedded.documents[$0]?["properties"]?.objectValue }
            columns = properties.map { $0.map(\.key) } ?? ["id"]
        }
    }

    func header() -> String { columns.map(Self.quote).joined(separator: ";") + "\r\n" }

    func row(_ record: JSONValue) -> String {
        columns.map { Self.quote(cell($0, record)) }.joined(separator: ";") + "\r\n"
    }

    private func cell(_ column: String, _ r: JSONValue) -> String {
        switch (entity, column) {
        case ("companies", "exportVolume"): return r["annualExportVolume"]?["amount"]?.stringValue ?? ""
        case ("companies", "exportCurrency"): return r["annualExportVolume"]?["currency"]?.stringValue ?? ""
        case ("companies", _) where column.hasPrefix("contact"):
            guard let key = ImportCommand.contactColumns.first(where: { $0.0 == column })?.1,
                let contacts = r["contacts"]?.arrayValue
            else { return "" }
            let values = contacts.map { $0[key]?.stringValue ?? "" }
            return values.allSatisfy(\.isEmpty) ? "" : values.joined(separator: "|")
        case ("students", "externalSystem"): return r["externalRef"]?["system"]?.stringValue ?? ""
        case ("students", "externalId"): return r["externalRef"]?["id"]?.stringValue ?? ""
        default: return Self.text(r[column])
        }
    }

    /// Scalars as text, lists of scalars `|`-separated, anything else as JSON.
    static func text(_ v: JSONValue?) -> String {
        guard let v else { return "" }
        switch v {
        case .null: return ""
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .array(let items) where items.allSatisfy({ $0.stringValue != nil }):
            return items.compactMap(\.stringValue).joined(separator: "|")
        default: return v.serializedString()
        }
    }

    /// RFC 4180: a field with `;`, a quote or a line break is quoted, quotes doubled.
    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
