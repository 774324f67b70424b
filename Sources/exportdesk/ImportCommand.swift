import ExportDeskClient
import ExportDeskCore
import ExportDeskServer
import Foundation
import JSON
import JSONRPC
import Support

#if canImport(Glibc)
import Glibc
#endif

/// `exportdesk import companies|students FILE [--socket PATH] [--institution ID]`: CSV or JSON Lines through the
/// running server. Each row is validated and created whole or not at all; bad rows are reported (row, field,
/// reason) and the rest imported. Students with an external id are upserted by it (students.upsert).
/// Each row carries an idempotencyKey made of the file's hash and its row number, so re-running an import
/// does not create anything twice.
enum ImportCommand {
    /// CSV columns: the company fields (list fields separated by `|`), and a contact and a money amount
    /// in flat columns.
    static let listFields: Set<String> = ["okved", "hsCodes", "currentMarkets", "targetMarkets", "tags"]
    /// The CSV columns of a company's contacts, and the contact field each holds.
    static let contactColumns = [
        ("contactName", "name"), ("contactPosition", "position"), ("contactEmail", "email"), ("contactPhone", "phone"),
    ]
    /// What a record carries that the server makes (an exported JSON Lines file imports as new records).
    static let serverFields: Set<String> = ["id", "version", "createdAt", "updatedAt", "status"]
    static let textFields: Set<String> = [
        "name", "shortName", "nameEn", "inn", "ogrn", "kind", "size", "exportStatus", "website", "address", "notes",
    ]

    struct Row {
        let number: Int  // CSV: the line in the file; JSONL: the line number
        let params: JSONValue?
        let problem: String?
    }

    /// What one kind of import creates: the method for a row, and how a CSV row becomes its params.
    struct Kind: Sendable {
        let noun: String
        let method: @Sendable (JSONObject) -> String
        let csvRow:
            @Sendable (_ column: String, _ value: String, _ fields: inout JSONObject, _ extra: inout [String: String])
                -> Bool
        let finish: @Sendable (_ fields: inout JSONObject, _ extra: [String: String]) -> Void
    }

    static let companies = Kind(
        noun: "companies", method: { _ in "companies.create" },
        csvRow: { column, value, company, extra in
            switch column {
            case _ where textFields.contains(column): company[column] = .string(value)
            case _ where listFields.contains(column):
                company[column] = .array(
                    value.split(separator: "|").map { .string($0.trimmingCharacters(in: .whitespaces)) })
            case "contactName", "contactPosition", "contactEmail", "contactPhone", "exportVolume", "exportCurrency":
                extra[column] = value
            default: return false
            }
            return true
        },
        finish: { company, extra in
            // Several contacts: each contact column holds the values `|`-separated, in the same order.
            var contacts: [JSONObject] = []
            for (column, key) in contactColumns {
                guard let v = extra[column] else { continue }
                for (i, part) in v.split(separator: "|", omittingEmptySubsequences: false).enumerated() {
                    while contacts.count <= i { contacts.append([:]) }
                    let value = part.trimmingCharacters(in: .whitespaces)
                    if !value.isEmpty { contacts[i][key] = .string(value) }
                }
            }
            contacts.removeAll { $0.isEmpty }
            if !contacts.isEmpty { company["contacts"] = .array(contacts.map { .object($0) }) }
            if extra["exportVolume"] != nil || extra["exportCurrency"] != nil {
                company["annualExportVolume"] = [
                    "amount": .string(extra["exportVolume"] ?? ""), "currency": .string(extra["exportCurrency"] ?? ""),
                ]
            }
        })

    /// Student columns: institutionId, fullName, birthDate, specialty, course, email, phone, and externalSystem +
    /// externalId for the partner system's id.
    static let students = Kind(
        noun: "students", method: { $0["externalRef"] == nil ? "students.create" : "students.upsert" },
        csvRow: { column, value, student, extra in
            switch column {
            case "institutionId", "fullName", "birthDate", "specialty", "email", "phone":
                student[column] = .string(value)
            case "course": student[column] = Int64(value).map { .number(.int($0)) } ?? .string(value)
            case "externalSystem", "externalId": extra[column] = value
            default: return false
            }
            return true
        },
        finish: { student, extra in
            if extra["externalSystem"] != nil || extra["externalId"] != nil {
                student["externalRef"] = [
                    "system": .string(extra["externalSystem"] ?? ""), "id": .string(extra["externalId"] ?? ""),
                ]
            }
        })

    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        let a = try Arguments(args, valued: ServerConnection.options.union(["institution"]), flags: [])
        let kinds = ["companies": companies, "students": students]
        guard a.positionals.count == 2, let kind = kinds[a.positionals[0]] else {
            throw Arguments.UsageError(
                description: "usage: exportdesk import companies|students FILE [--socket PATH] [--institution ID]")
        }
        let institution = a.value("institution")
        let path = a.positionals[1]
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("exportdesk: cannot read \(path)")
            return 1
        }
        guard let text = String(data: data, encoding: .utf8) else {
            printError("exportdesk: \(path) is not UTF-8")
            return 1
        }
        let rows = path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") ? jsonLines(text) : csvRows(text, kind)
        let fileKey = SHA256.hex(Array(data)).prefix(16)
        let connection: RPCConnection
        do { connection = try ServerConnection.open(a) } catch let failed as ServerConnection.Failed {
            return failed.status
        }
        var failures: [(Int, String, String)] = []
        for row in rows where row.problem != nil { failures.append((row.number, "", row.problem!)) }
        let good = rows.filter { $0.params != nil }
        let progress = ProgressBar(total: good.count)
        // A row whose record existed before this run (a re-run answered from its idempotency key, or an
        // upsert of a student already there) is reported unchanged, not created.
        let startedAt = WallClock.rfc3339(WallClock.nowMillis)
        var created = 0
        var updated = 0
        var unchanged = 0
        // Pipelined: up to 64 rows in flight, answers matched by id.
        var next = 0
        var inFlight: [Int64: Row] = [:]
        var id: Int64 = 0
        func sendMore() throws {
            while inFlight.count < 64 && next < good.count {
                let row = good[next]
                next += 1
                id += 1
                var params = row.params!.objectValue ?? JSONObject()
                params["idempotencyKey"] = .string("import-\(fileKey)-\(row.number)")
                // --institution is for the whole file: it wins over a column (a file exported from another database).
                if kind.noun == "students", let institution { params["institutionId"] = .string(institution) }
                try connection.send([
                    "jsonrpc": "2.0", "id": .number(.int(id)), "method": .string(kind.method(params)),
                    "params": .object(params),
                ])
                inFlight[id] = row
            }
        }
        try sendMore()
        while !inFlight.isEmpty {
            let message = try connection.readMessage(timeout: 120)
            guard let answered = message["id"]?.int64Value, let row = inFlight.removeValue(forKey: answered) else {
                continue
            }
            if let error = message["error"].flatMap(RPCError.init(json:)) {
                let issues = error.data["errors"]?.arrayValue ?? []
                if issues.isEmpty {
                    failures.append(
                        (row.number, error.data["field"]?.stringValue ?? "", "\(error.reason): \(error.message)"))
                } else {
                    for issue in issues {
                        failures.append(
                            (row.number, issue["instancePath"]?.stringValue ?? "", issue["message"]?.stringValue ?? ""))
                    }
                }
            } else {
                let result = message["result"] ?? .null
                let record = result["record"] ?? result
                let outcome = result["outcome"]?.stringValue
                let existedBefore = (record["createdAt"]?.stringValue ?? startedAt) < startedAt
                let changedNow = (record["updatedAt"]?.stringValue ?? "") >= startedAt
                if existedBefore && !(outcome == "updated" && changedNow) {
                    unchanged += 1
                } else if outcome == "updated" {
                    updated += 1
                } else if outcome == "unchanged" {
                    unchanged += 1
                } else {
                    created += 1
                }
            }
            progress.advance()
            try sendMore()
        }
        progress.finish()
        failures.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        // Numbers are the file's line numbers (the CSV header is line 1), so an editor jumps straight there.
        for (line, field, reason) in failures {
            printError("line \(line)\(field.isEmpty ? "" : " " + field): \(reason)")
        }
        let rejected = Set(failures.map(\.0)).count
        print(
            "imported \(created + updated + unchanged) \(kind.noun) (\(created) created, \(updated) updated, \(unchanged) unchanged), "
                + "rejected \(rejected) line\(rejected == 1 ? "" : "s")")
        return rejected == 0 ? 0 : 3
    }

    static func jsonLines(_ text: String) -> [Row] {
        var rows: [Row] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            do {
                let value = try JSONParser.parse(trimmed)
                guard var record = value.objectValue else {
                    rows.append(Row(number: i + 1, params: nil, problem: "not a JSON object"))
                    continue
                }
                for key in serverFields { record[key] = nil }
                rows.append(Row(number: i + 1, params: .object(record), problem: nil))
            } catch {
                rows.append(Row(number: i + 1, params: nil, problem: "not valid JSON: \(error)"))
            }
        }
        return rows
    }

    static func csvRows(_ text: String, _ kind: Kind) -> [Row] {
        let (table, lines) = CSVReader.parse(text)
        guard let header = table.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else { return [] }
        var rows: [Row] = []
        for (r, cells) in table.enumerated().dropFirst() {
            var fields = JSONObject()
            var extra: [String: String] = [:]
            var problem: String?
            if cells.count != header.count {
                problem = "has \(cells.count) fields, the header has \(header.count)"
            }
            for (column, raw) in zip(header, cells) {
                let value = raw.trimmingCharacters(in: .whitespaces)
                if value.isEmpty { continue }
                if !kind.csvRow(column, value, &fields, &extra) { problem = problem ?? "unknown column \(column)" }
            }
            kind.finish(&fields, extra)
            rows.append(
                problem == nil
                    ? Row(number: lines[r], params: .object(fields), problem: nil)
                    : Row(number: lines[r], params: nil, problem: problem))
        }
        return rows
    }
}

/// A progress bar on stderr when it is a terminal; silent otherwise (scripts, CI).
final class ProgressBar {
    let total: Int
    private var done = 0
    private let enabled = isatty(2) != 0
    private var lastDrawn = -1

    init(total: Int) { self.total = total }

    func advance() {
        done += 1
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        guard percent != lastDrawn else { return }
        lastDrawn = percent
        let width = 40
        let filled = width * done / total
        FileHandle.standardError.write(
            "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: width - filled))] \(percent)% \(done)/\(total)"
                .data(using: .utf8)!)
    }

    func finish() {
        if enabled && total > 0 { FileHandle.standardError.write("\n".data(using: .utf8)!) }
    }
}
