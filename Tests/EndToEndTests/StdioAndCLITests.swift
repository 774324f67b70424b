import ExportDeskClient
import Foundation
import JSON
import TestSupport
import Testing

struct StdioAndCLITests {
    @Test func stdioAnswersOnStdoutAndLogsOnlyOnStderr() throws {
        let server = try ServerProcess(socket: false, stdio: true)
        let c = server.stdioConnection()
        #expect(try c.call("system.ping")["pong"] == true)
        let info = try c.call("system.info")
        #expect(info["transports"] == ["stdio"])
        try c.sendRaw(Array("not json\n".utf8))
        #expect(try c.readMessage()["error"]?["code"] == -32700)
        c.close()
        server.closeStdin()
        #expect(server.waitForExit(timeout: 10) == 0, "EOF on stdin ends the process")
        #expect(server.stderrEventuallyContains("info"), "logs go to stderr")
    }

    @Test func stdioFinishesAnsweringBeforeExitOnEOF() throws {
        let server = try ServerProcess(socket: false, stdio: true)
        let c = server.stdioConnection()
        var bytes: [UInt8] = []
        for i in 0..<300 { bytes += Array(#"{"jsonrpc":"2.0","id":\#(i),"method":"system.ping"}"#.utf8) + [0x0A] }
        try c.sendRaw(bytes)
        c.finishSending()
        server.closeStdin()
        var ids = Set<Int64>()
        for _ in 0..<300 { ids.insert(try c.readMessage()["id"]?.int64Value ?? -1) }
        #expect(ids.count == 300)
        #expect(server.waitForExit(timeout: 10) == 0)
    }

    func run(_ args: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let r = try Command.exportdesk(args, stdin: stdin)
        return (r.status, r.out, r.err)
    }

    @Test func callPrintsResultsAndErrorsForShellScripts() throws {
        let server = try ServerProcess()
        defer { server.stop() }
        let path = server.socketPath!
        let ok = try run(["call", "system.ping", "--socket", path])
        #expect(ok.status == 0)
        #expect(try JSONParser.parse(ok.out)["pong"] == true)
        #expect(ok.err.isEmpty)

        let missing = try run(["call", "no.such.method", "{}", "--socket", path])
        #expect(missing.status == 1)
        #expect(missing.out.isEmpty)
        #expect(try JSONParser.parse(missing.err)["data"]?["reason"] == "METHOD_NOT_FOUND")

        let fromStdin = try run(["call", "system.info", "-", "--socket", path], stdin: "{}")
        #expect(fromStdin.status == 0)

        let badJSON = try run(["call", "system.ping", "{oops", "--socket", path])
        #expect(badJSON.status == 64)
        #expect(badJSON.err.contains("not valid JSON"))

        let noServer = try run(["call", "system.ping", "--socket", server.directory.file("none.sock")])
        #expect(noServer.status == 2)
        #expect(noServer.err.contains("cannot connect"))
    }

    @Test func helpVersionAndUsageErrors() throws {
        let help = try run(["--help"])
        #expect(help.status == 0 && help.out.contains("exportdesk serve"))
        let version = try run(["--version"])
        #expect(version.status == 0 && version.out.hasPrefix("exportdesk "))
        let bad = try run(["serve", "--log-level", "loud"])
        #expect(bad.status == 64 && bad.err.contains("--log-level must be one of error, warn, info, debug"))
        let unknown = try run(["serve", "--frobnicate"])
        #expect(unknown.status == 64 && unknown.err.contains("unknown option --frobnicate"))
    }

    /// Issue 12 item 17: every subcommand answers --help; a typo gets the nearest option suggested.
    @Test func everySubcommandHasHelpAndTyposGetASuggestion() throws {
        for command in ["serve", "call", "backup", "demo", "import", "token", "service"] {
            let help = try run([command, "--help"])
            #expect(help.status == 0 && help.out.contains("exportdesk \(command)"), "\(command) --help: \(help.err)")
        }
        let typo = try run(["serve", "--sokcet", "/tmp/x.sock"])
        #expect(typo.status == 64 && typo.err.contains("did you mean --socket?"))
        let far = try run(["call", "--zzzzzzzz"])
        #expect(far.status == 64 && !far.err.contains("did you mean"))
    }

    /// Issue 12 item 18: the server says on stderr which database it serves and whether it just created it.
    @Test func stdioSaysWhichDatabaseItServesAndWhetherItIsNew() throws {
        let dir = TemporaryDirectory()
        let ping = #"{"jsonrpc":"2.0","id":1,"method":"system.ping"}"# + "\n"
        let first = try run(["serve", "--stdio", "--db", dir.file("new.sqlite")], stdin: ping)
        #expect(first.status == 0 && first.err.contains("created a new, empty database \(dir.file("new.sqlite"))"))
        let second = try run(["serve", "--stdio", "--db", dir.file("new.sqlite")], stdin: ping)
        #expect(
            second.err.contains("serving the database \(dir.file("new.sqlite"))") && !second.err.contains("created"))
    }

    /// Issue 12 item 15: the quick start's `demo && serve` works when run a second time.
    @Test func demoRunsAgainOnItsOwnDatabaseAndRefusesOthers() throws {
        let dir = TemporaryDirectory()
        let first = try run(["demo", "--db", dir.file("demo.sqlite")])
        #expect(first.status == 0 && first.out.contains("loaded"))
        let again = try run(["demo", "--db", dir.file("demo.sqlite")])
        #expect(again.status == 0 && again.out.contains("already holds the demo programme"))
        let ping = #"{"jsonrpc":"2.0","id":1,"method":"companies.create","params":{"name":"Своя"}}"# + "\n"
        _ = try run(["serve", "--stdio", "--db", dir.file("own.sqlite")], stdin: ping)
        let other = try run(["demo", "--db", dir.file("own.sqlite")])
        #expect(other.status == 1 && other.err.contains("holds 1 companies of its own"))
    }

    /// Issue 12 item 21: `--log-format json` writes one JSON object per line, with the request's fields.
    @Test func jsonLogsAreOneObjectPerLineWithFields() throws {
        let server = try ServerProcess(arguments: ["--log-format", "json"])
        let c = try server.connect()
        _ = try c.call("companies.create", ["name": "Лог"])
        _ = try? c.call("companies.get", ["id": "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A"])
        c.close()
        #expect(server.stop() == 0)
        let lines = server.stderr.split(separator: "\n")
        #expect(lines.count >= 5)
        var answered: [JSONValue] = []
        for line in lines {
            let entry = try? JSONParser.parse(String(line))
            #expect(
                entry?["time"]?.stringValue?.hasSuffix("Z") == true && entry?["level"] != nil
                    && entry?["message"] != nil, "not a log object: \(line)")
            if entry?["message"] == "answered" { answered.append(entry!) }
        }
        let create = answered.first { $0["method"] == "companies.create" }
        var timed = false
        if case .number? = create?["durationMs"] { timed = true }
        #expect(timed && create?["connection"]?.stringValue?.hasPrefix("socket#") == true)
        #expect(answered.first { $0["method"] == "companies.get" }?["error"] == "NOT_FOUND")
    }
}
