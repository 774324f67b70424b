import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import TestSupport
import Testing

/// `exportdesk report … --html`: a self-contained page whose every figure is the report method's answer,
/// rendered in headless Chromium.
struct ReportPageTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func run(_ executable: String, _ args: [String]) throws -> (status: Int32, out: String, err: String) {
        let r = try Command.run(executable, args)
        return (r.status, r.out, r.err)
    }

    /// The value at a JSON Pointer of the answer, as the page writes it ("—" for none); `items[country=CN]`
    /// counts rows.
    static func value(_ answer: JSONValue, _ path: String) -> String {
        if let open = path.firstIndex(of: "["), path.hasSuffix("]") {
            let list = String(path[..<open])
            let condition = path[path.index(after: open)..<path.index(before: path.endIndex)].split(separator: "=")
            let rows = answer[list]?.arrayValue ?? []
            return String(rows.filter { $0[String(condition[0])]?.stringValue == String(condition[1]) }.count)
        }
        guard let v = JSONPointer.resolve(path, in: answer) else { return "—" }
        switch v {
        case .number(let n): return n.int64Value.map(String.init) ?? v.serializedString()
        case .string(let s): return s
        case .null: return "—"
        default: return v.serializedString()
        }
    }

    struct DemoFailed: Error, CustomStringConvertible { let description: String }

    /// One demo programme for the four pages (loading it is most of a case's time on PostgreSQL); the pages
    /// only read it.
    static let demo = Result<(dir: TemporaryDirectory, database: String), Error> {
        let dir = TemporaryDirectory()
        let made = try run(RepositoryPaths.exportdesk, ["demo", "--db", dir.database()])
        guard made.status == 0 else { throw DemoFailed(description: made.err) }
        return (dir, dir.database())
    }

    @Test(
        .enabled(if: chromium != nil, "headless Chromium (Debian's chromium) is not installed"),
        arguments: [
            ("summary", "reports.summary"), ("events", "reports.events"), ("internships", "reports.internships"),
            ("requests", "reports.requests"),
        ])
    func everyFigureOnThePageIsTheMethodsAnswer(kind: String, method: String) throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", try Self.demo.get().database], directory: dir)
        defer { server.stop() }
        let params: JSONValue = kind == "requests" ? [:] : ["from": "2020-01-01", "to": "2026-12-31"]
        var args = ["report", kind, "--html", dir.file("\(kind).html"), "--socket", server.socketPath!]
        if kind != "requests" { args += ["--from", "2020-01-01", "--to", "2026-12-31"] }
        let made = try Self.run(RepositoryPaths.exportdesk, args)
        #expect(made.status == 0, "\(made.err)")
        let answer = try server.connect().call(method, params)
        let html = try String(contentsOfFile: dir.file("\(kind).html"), encoding: .utf8)
        #expect(
            !html.contains("<script") && !html.contains("src=") && !html.contains("href=") && !html.contains("@import"),
            "nothing from the network")
        #expect(html.contains("lang=\"ru\"") && html.contains("@page { size: A4"))
        // What the browser shows: every tagged figure equals the answer at its path.
        let dom = try Self.run(
            Self.chromium!,
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
                "--dump-dom", "file://" + dir.file("\(kind).html"),
            ])
        #expect(dom.status == 0)
        #expect(
            !dom.err.contains("CONSOLE"),
            "console messages: \(dom.err.split(separator: "\n").filter { $0.contains("CONSOLE") }.prefix(3))")
        let pattern = try NSRegularExpression(pattern: #"data-key="([^"]+)" data-value="([^"]*)""#)
        let matches = pattern.matches(in: dom.out, range: NSRange(dom.out.startIndex..., in: dom.out))
        #expect(matches.count >= (kind == "requests" ? 10 : 20), "\(matches.count) figures on the \(kind) page")
        var wrong: [String] = []
        for m in matches {
            let key = String(dom.out[Range(m.range(at: 1), in: dom.out)!])
            let shown = String(dom.out[Range(m.range(at: 2), in: dom.out)!]).replacingOccurrences(
                of: "&quot;", with: "\"")
            if Self.value(answer, key) != shown {
                wrong.append("\(key): page \(shown), answer \(Self.value(answer, key))")
            }
        }
        #expect(wrong.isEmpty, "figures that differ from the answer: \(wrong.prefix(5))")
        let shot = try Self.run(
            Self.chromium!,
            [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,1400",
                "--screenshot=" + dir.file("\(kind).png"), "file://" + dir.file("\(kind).html"),
            ])
        let size = (try? FileManager.default.attributesOfItem(atPath: dir.file("\(kind).png"))[.size] as? Int) ?? 0
        #expect(shot.status == 0 && size > 20_000, "a screenshot was taken (\(size) bytes)")
    }
}
