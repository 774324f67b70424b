import ExportDeskClient
import Foundation
import JSON
import TestSupport
import Testing

/// `exportdesk import companies` through the running server.
struct ImportTests {
    func importFile(
        _ server: ServerProcess, _ path: String, kind: String = "companies", _ extra: [String] = []
    ) throws -> (status: Int32, out: String, err: String) {
        let r = try Command.exportdesk(["import", kind, path, "--socket", server.socketPath!] + extra)
        return (r.status, r.out, r.err)
    }

    @Test func tenThousandRowsWithThreeBadOnesAreReportedByRowAndTheRestImported() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        // UTF-8 with BOM, ';' as in Russian spreadsheets, a quoted field holding ';' and a line break.
        var csv =
            "\u{FEFF}name;inn;size;targetMarkets;tags;contactName;contactEmail;exportVolume;exportCurrency;notes\n"
        var line = 2
        var badLines: [Int] = []
        for i in 0..<10_000 {
            switch i {
            case 1234:
                csv += "ООО «Ошибка ИНН»;7707083894;small;CN;;;;;;\n"
                badLines.append(line)
            case 5000:
                csv += "ООО «Размер»;;huge;SA;;;;;;\n"
                badLines.append(line)
            case 8888:
                csv += "ООО «Почта»;;small;IN;;Анна;не-почта;;;\n"
                badLines.append(line)
            case 42:
                csv +=
                    "\"ООО \"\"Кавычки; и точка с запятой\"\"\";;medium;SA|AE;экспорт|приборы;Олег;oleg@example.ru;1250000.00;RUB;\"две\nстроки\"\n"
                line += 1
            default:
                csv += "ООО «Компания \(i)»;;small;CN|IN;импорт;;;;;\n"
            }
            line += 1
        }
        let path = server.directory.file("companies.csv")
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let first = try importFile(server, path)
        #expect(first.status == 3)
        #expect(first.out.contains("imported 9997 companies (9997 created, 0 updated, 0 unchanged), rejected 3 lines"))
        for bad in badLines { #expect(first.err.contains("line \(bad) "), "line \(bad) is reported") }
        #expect(first.err.contains("/inn") && first.err.contains("/size") && first.err.contains("/contacts/0/email"))
        let c = try server.connect()
        #expect(try c.call("companies.list", ["includeTotal": true, "limit": 1])["total"] == 9997)
        let quoted = try c.call("companies.list", ["filter": ["q": "кавычки"]])["items"]?.arrayValue?.first
        #expect(quoted?["name"] == "ООО \"Кавычки; и точка с запятой\"")
        #expect(quoted?["notes"] == "две\nстроки")
        #expect(quoted?["targetMarkets"] == ["SA", "AE"])
        #expect(quoted?["annualExportVolume"] == ["amount": "1250000.00", "currency": "RUB"])

        let again = try importFile(server, path)
        #expect(
            again.out.contains("imported 9997 companies (0 created, 0 updated, 9997 unchanged)"),
            "a re-run answers from the idempotency keys and says nothing was created")
        #expect(try c.call("companies.list", ["includeTotal": true, "limit": 1])["total"] == 9997, "nothing twice")
    }

    @Test func jsonLinesAreImportedAndBadLinesReported() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let path = server.directory.file("companies.jsonl")
        try """
        {"name": "Agro Export", "targetMarkets": ["CN"], "size": "small"}
        not json
        {"name": "Медтех", "contacts": [{"name": "Ирина", "phone": "+74951234567"}]}
        [1, 2]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try importFile(server, path)
        #expect(result.status == 3)
        #expect(result.out.contains("imported 2 companies (2 created, 0 updated, 0 unchanged), rejected 2 lines"))
        #expect(result.err.contains("line 2: not valid JSON") && result.err.contains("line 4: not a JSON object"))
    }
}

extension ImportTests {
    @Test func demoLoadsAProgrammeTheServerServes() throws {
        let dir = TemporaryDirectory()
        func demo() throws -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
            p.arguments = ["demo", "--db", dir.database()]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus
        }
        #expect(try demo() == 0)
        #expect(try demo() == 0, "run again, the demo finds its own programme and succeeds (issue 12 item 15)")
        let server = try ServerProcess(directory: dir)
        defer { server.stop() }
        let c = try server.connect()
        // The workload and reminders over a whole demo programme, their results checked by --validate-results.
        let workload = try c.call("reports.requests", ["waitingDays": 0])
        #expect(
            (workload["curators"]?.arrayValue?.count ?? 0) >= 12 && (workload["waiting"]?.arrayValue?.isEmpty == false))
        let due = try c.call("reminders.list", ["withinDays": 366])
        #expect(due["items"]?.arrayValue?.contains { $0["kind"] == "request.unassigned" } == true)
        let active = try c.call("companies.list", ["includeTotal": true, "limit": 1])["total"]?.int64Value ?? 0
        let archived =
            try c.call("companies.list", ["filter": ["status": "archived"], "includeTotal": true, "limit": 1])["total"]?
            .int64Value ?? 0
        #expect(active + archived == 1000 && archived > 0)
        let summary = try c.call("reports.summary")
        #expect(
            (summary["events"]?["total"]?.int64Value ?? 0) > 100
                && (summary["contracts"]?["signed"]?.int64Value ?? 0) > 0)
        #expect((summary["requests"]?["total"]?.int64Value ?? 0) == 280)
        #expect(
            (try c.call("companies.list", ["filter": ["targetMarket": "SA"], "includeTotal": true, "limit": 1])[
                "total"]?.int64Value ?? 0) > 0)
    }

    @Test func studentsImportWithTheirExternalIDsAndBadRowsReported() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let c = try server.connect()
        let college = try c.call("institutions.create", ["name": "Колледж № 7", "kind": "college"])["id"]!.stringValue!
        var csv = "fullName,birthDate,specialty,course,email,externalSystem,externalId\n"
        for i in 0..<300 {
            switch i {
            case 10: csv += "Без курса,2006-01-01,15.02.10,9,a@college.example.ru,college-sis,S-\(i)\n"
            case 20: csv += "Плохая почта,2006-01-01,15.02.10,2,не-почта,college-sis,S-\(i)\n"
            default: csv += "Студент \(i),2006-02-03,15.02.10,2,s\(i)@college.example.ru,college-sis,S-\(i)\n"
            }
        }
        let path = server.directory.file("students.csv")
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        let first = try importFile(server, path, kind: "students", ["--institution", college])
        #expect(
            first.status == 3
                && first.out.contains("imported 298 students (298 created, 0 updated, 0 unchanged), rejected 2 lines"),
            "\(first.out) \(first.err)")
        #expect(first.err.contains("line 12 /course") && first.err.contains("line 22 /email"), "\(first.err)")
        #expect(!first.err.contains("2006-"), "personal data stays out of the report")
        let page = try c.call(
            "students.list", ["filter": ["institutionId": .string(college)], "includeTotal": true, "limit": 1])
        #expect(page["total"] == 298)
        // A corrected file upserts by the external id: the two fixed rows are created, nothing else changes.
        let fixed = csv.replacingOccurrences(of: ",9,a@", with: ",2,a@").replacingOccurrences(
            of: "не-почта", with: "p@college.example.ru")
        try fixed.write(toFile: path, atomically: true, encoding: .utf8)
        let second = try importFile(server, path, kind: "students", ["--institution", college])
        #expect(
            second.status == 0
                && second.out.contains("imported 300 students (2 created, 0 updated, 298 unchanged), rejected 0 lines"),
            "\(second.out)")
        #expect(try c.call("students.list", ["includeTotal": true, "limit": 1])["total"] == 300)
        let changes = try c.call("changes.list", ["entities": ["student"], "limit": 1000])["items"]?.arrayValue ?? []
        #expect(changes.count == 300, "the 298 imported before were unchanged")
    }
}
