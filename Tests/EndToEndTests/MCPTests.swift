import ExportDeskClient
import Foundation
import JSON
import SQLiteStore
import Storage
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `exportdesk mcp`: MCP over stdio, tried with the official MCP Python SDK (an independent client that
/// also checks each structuredContent against its tool's outputSchema) and with raw messages.
struct MCPTests {
    static let haveSDK = Python.has("mcp.client.stdio, jsonschema")

    static let script = #"""
        import asyncio, json, re, sys
        from mcp import ClientSession, StdioServerParameters
        from mcp.client.stdio import stdio_client
        import mcp.types as types

        from jsonschema import Draft202012Validator
        binary, db, viewer = sys.argv[1], sys.argv[2], sys.argv[3]
        out = {}

        async def all_tools(session):
            tools, cursor = [], None
            while True:
                page = await session.list_tools(params=types.PaginatedRequestParams(cursor=cursor)) if cursor else await session.list_tools()
                tools += page.tools
                cursor = page.next_cursor
                out.setdefault("pages", 0); out["pages"] += 1
                if not cursor:
                    return tools

        async def main():
            params = StdioServerParameters(command=binary, args=["mcp", "--db", db, "--tools", "all"])
            async with stdio_client(params) as (read, write):
                messages = []
                async def on_log(p): messages.append(p.data)
                async with ClientSession(read, write, logging_callback=on_log) as session:
                    init = await session.initialize()
                    out["protocolVersion"] = init.protocol_version
                    out["serverName"] = init.server_info.name
                    tools = await all_tools(session)
                    by = {t.name: t for t in tools}
                    out["toolCount"] = len(tools)
                    out["badNames"] = [t.name for t in tools if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", t.name)]
                    out["inputsAreObjects"] = all(t.input_schema.get("type") == "object" for t in tools)
                    out["outputsAreObjects"] = all((t.output_schema or {}).get("type") == "object" for t in tools)
                    invalid = []
                    for t in tools:
                        for schema in (t.input_schema, t.output_schema):
                            try:
                                Draft202012Validator.check_schema(schema)
                            except Exception as e:
                                invalid.append(t.name)
                    out["invalidSchemas"] = invalid
                    ann = lambda n: by[n].annotations
                    out["hints"] = {
                        "list": [ann("companies_list").read_only_hint],
                        "archive": [ann("companies_archive").read_only_hint, ann("companies_archive").destructive_hint],
                        "create": [ann("companies_create").read_only_hint, ann("companies_create").destructive_hint, ann("companies_create").idempotent_hint],
                        "upsert": [ann("students_upsert").idempotent_hint],
                    }
                    await session.set_logging_level("info")
                    created = await session.call_tool("companies_create", {"name": "ООО «Ассистент»", "inn": "7707083893"})
                    out["created"] = {"isError": created.is_error, "id": (created.structured_content or {}).get("id", "")}
                    bad = await session.call_tool("companies_create", {"name": "Плохая", "inn": "123", "size": "huge"})
                    out["invalid"] = {"isError": bad.is_error, "text": bad.content[0].text,
                                      "paths": [e["instancePath"] for e in bad.structured_content["error"]["data"]["errors"]]}
                    missing = await session.call_tool("companies_get", {"id": "co_01JD5X8Q3W4E5R6T7Y8V9K0P1A"})
                    out["missing"] = {"isError": missing.is_error, "reason": missing.structured_content["error"]["data"]["reason"]}
                    cid = out["created"]["id"]
                    templates = await session.list_resource_templates()
                    out["templates"] = sorted(t.uri_template for t in templates.resource_templates)
                    listed = await session.list_resources()
                    out["listedCompany"] = any(str(r.uri) == f"exportdesk://companies/{cid}" for r in listed.resources)
                    read = await session.read_resource(f"exportdesk://companies/{cid}")
                    out["readName"] = json.loads(read.contents[0].text)["name"]
                    done = await session.complete(types.ResourceTemplateReference(type="ref/resource", uri="exportdesk://companies/{id}"),
                                                  {"name": "id", "value": cid[:6]})
                    out["completed"] = cid in done.completion.values
                    inst = await session.call_tool("institutions_create", {"name": "Колледж № 1", "kind": "college"})
                    progress = []
                    async def on_progress(p, total, message): progress.append(p)
                    items = [{"entity": "student", "externalRef": {"system": "sis", "id": f"S-{i}"},
                              "data": {"institutionId": inst.structured_content["id"], "fullName": f"Студент {i}", "specialty": "15.02.10", "course": 2}}
                             for i in range(300)]
                    pushed = await session.call_tool("sync_push", {"items": items}, progress_callback=on_progress)
                    out["pushed"] = {"isError": pushed.is_error, "results": len(pushed.structured_content["results"]), "progress": len(progress)}
                    await asyncio.sleep(0.2)
                    out["logged"] = any(isinstance(m, dict) and m.get("tool") == "companies_create" for m in messages)
                    # Cancellation: a backup of a large database is cancelled once it has begun.
                    import os
                    target = os.path.join(os.path.dirname(db), "cancelled-backup.sqlite")
                    started = asyncio.Event()
                    async def on_backup_progress(p, total, message): started.set()
                    call = asyncio.create_task(session.call_tool("system_backup", {"path": target}, progress_callback=on_backup_progress))
                    await asyncio.wait_for(started.wait(), 20)
                    call.cancel()
                    try:
                        await call
                    except BaseException:
                        pass
                    await asyncio.sleep(1.0)
                    out["cancelled"] = {"targetExists": os.path.exists(target), "stillServing": (await session.send_ping()) is not None,
                                        "leftovers": [f for f in os.listdir(os.path.dirname(db)) if "partial" in f]}

            for key, args in [("readOnly", ["mcp", "--db", db]), ("viewer", ["mcp", "--db", db, "--token", viewer, "--tools", "all"])]:
                params = StdioServerParameters(command=binary, args=args)
                async with stdio_client(params) as (read, write):
                    async with ClientSession(read, write) as session:
                        await session.initialize()
                        tools = await all_tools(session)
                        out[key] = {"count": len(tools), "allRead": all(t.annotations.read_only_hint for t in tools),
                                    "hasCreate": any(t.name == "companies_create" for t in tools),
                                    "hasList": any(t.name == "companies_list" for t in tools),
                                    "hasTokens": any(t.name == "tokens_list" for t in tools)}
                        try:
                            r = await session.call_tool("companies_create", {"name": "X"})
                            out[key]["createRefused"] = bool(r.is_error)
                        except Exception as e:
                            out[key]["createRefused"] = True
            print(json.dumps(out, ensure_ascii=False))

        asyncio.run(main())
        """#

    @Test(.enabled(if: haveSDK, "the official MCP Python SDK (pip install mcp) is not installed"))
    func theOfficialSDKListsCallsReadsAndCompletes() throws {
        let dir = TemporaryDirectory()
        try Self.script.write(toFile: dir.file("client.py"), atomically: true, encoding: .utf8)
        // About 100 MB of ballast, so that a backup takes long enough to be cancelled midway.
        do {
            let ballast = try Connection(path: dir.file("db.sqlite"))
            try ballast.execute("PRAGMA journal_mode=WAL")
            try ballast.execute("CREATE TABLE ballast(data BLOB)")
            try ballast.execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000) INSERT INTO ballast SELECT randomblob(4000) FROM n"
            )
        }
        let token = try Command.exportdesk([
            "token", "create", "--role", "viewer", "--label", "assistant", "--db", dir.file("db.sqlite"),
        ])
        let viewer = token.out.trimmingCharacters(in: .whitespacesAndNewlines)
        let python = try Command.run(
            "/usr/bin/env",
            ["python3", dir.file("client.py"), RepositoryPaths.exportdesk, dir.file("db.sqlite"), viewer])
        let data = python.data
        #expect(python.status == 0, "python: \(python.err.suffix(3000))")
        let r = try JSONParser.parse([UInt8](data))
        #expect(r["protocolVersion"] == "2025-11-25" && r["serverName"] == "exportdesk")
        #expect(
            (r["toolCount"]?.int64Value ?? 0) > 90 && (r["pages"]?.int64Value ?? 0) > 1, "every method a tool, paged")
        #expect(r["badNames"] == [] && r["inputsAreObjects"] == true && r["outputsAreObjects"] == true)
        #expect(
            r["hints"] == [
                "list": [true], "archive": [false, true], "create": [false, false, false], "upsert": [true],
            ])
        #expect(r["created"]?["isError"] == false && r["created"]?["id"]?.stringValue?.hasPrefix("co_") == true)
        #expect(r["invalid"]?["isError"] == true)
        #expect(
            r["invalid"]?["paths"]?.arrayValue?.compactMap(\.stringValue).contains("/size") == true,
            "every field error reaches the model")
        #expect(r["missing"] == ["isError": true, "reason": "NOT_FOUND"])
        #expect(r["templates"]?.arrayValue?.contains("exportdesk://companies/{id}") == true)
        #expect(r["listedCompany"] == true && r["readName"] == "ООО «Ассистент»" && r["completed"] == true)
        #expect(r["pushed"]?["isError"] == false && r["pushed"]?["results"] == 300)
        #expect((r["pushed"]?["progress"]?.int64Value ?? 0) >= 1, "sync.push progress reached the client")
        #expect(r["logged"] == true, "notifications/message after logging/setLevel")
        #expect(
            r["readOnly"]?["allRead"] == true && r["readOnly"]?["hasCreate"] == false
                && r["readOnly"]?["createRefused"] == true,
            "without a token, read-only tools unless --tools all")
        #expect(
            r["readOnly"]?["hasTokens"] == false, "without a token the assistant is a viewer, never the owner's admin")
        #expect(
            r["viewer"]?["allRead"] == true && r["viewer"]?["hasList"] == true && r["viewer"]?["createRefused"] == true,
            "a viewer token lists no write tool, even with --tools all")
        #expect(r["invalidSchemas"] == [], "every input and output schema is a valid 2020-12 schema")
        #expect(
            r["cancelled"] == ["targetExists": false, "stillServing": true, "leftovers": []],
            "a cancelled backup stops and leaves nothing")
    }

    /// Raw messages: version negotiation as the lifecycle describes, ping, and unknown tools as protocol errors.
    @Test func versionNegotiationPingAndUnknownTools() throws {
        let dir = TemporaryDirectory()
        func session(_ lines: [String]) throws -> [JSONValue] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
            p.arguments = ["mcp", "--db", dir.file("db.sqlite")]
            let input = Pipe()
            let output = Pipe()
            p.standardInput = input
            p.standardOutput = output
            p.standardError = FileHandle.nullDevice
            try p.run()
            input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
            try input.fileHandleForWriting.close()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
                try JSONParser.parse(String($0))
            }
        }
        func initialize(_ version: String) -> String {
            #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"\#(version)","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
        }
        for (asked, answered) in [
            ("2025-11-25", "2025-11-25"), ("2025-06-18", "2025-06-18"), ("2025-03-26", "2025-03-26"),
            ("2024-01-01", "2025-11-25"),
        ] {
            let replies = try session([initialize(asked)])
            #expect(replies.first?["result"]?["protocolVersion"] == .string(answered), "asked \(asked)")
        }
        let replies = try session([
            initialize("2025-11-25"), #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}"#,
        ])
        #expect(replies.count == 3, "the initialized notification gets no answer")
        let byID = Dictionary(replies.map { ($0["id"]?.int64Value ?? 0, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byID[2]?["result"] == [:])
        #expect(byID[3]?["error"]?["code"] == -32602)
        // Cursors a client made up are refused, never trusted (a negative offset once crashed the server).
        let odd = try session([
            initialize("2025-11-25"),
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"-5"}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"resources/list","params":{"cursor":"-1:"}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"cursor":7}}"#,
            #"{"jsonrpc":"2.0","id":5,"method":"ping"}"#,
        ])
        let oddByID = Dictionary(odd.map { ($0["id"]?.int64Value ?? 0, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(
            [2, 3, 4].allSatisfy { oddByID[Int64($0)]?["error"]?["code"] == -32602 } && oddByID[5]?["result"] == [:])
    }
}
