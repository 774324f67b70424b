import ExportDeskServer
import JSON
import Testing

@testable import ExportDeskMCP

/// The mapping from the method table to MCP tools, in-process.
struct ToolCatalogTests {
    let catalog = ToolCatalog()

    @Test func everyProductMethodIsOneToolButTheConnectionOnes() {
        let methods = Set(MethodTable.productMethodNames).subtracting(ToolCatalog.excluded)
        #expect(Set(catalog.tools.map(\.method)) == methods)
        #expect(Set(catalog.tools.map(\.name)).count == catalog.tools.count, "names are one to one")
        for tool in catalog.tools {
            #expect(tool.name == tool.method.replacingOccurrences(of: ".", with: "_"))
            #expect(
                tool.name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
                    && tool.name.count <= 64)
            #expect(catalog.tool(named: tool.name)?.method == tool.method)
        }
    }

    /// A cross-check of the effects the registrations declare, by reading the method names here (in the
    /// test only): every read is a get, list, history, report or system read; the destructive ones are these.
    @Test func declaredEffectsMatchWhatTheMethodsDo() {
        let effects = MethodTable.productEffects
        let reads = effects.filter { $0.value == .read }.map(\.key)
        for name in reads {
            let verb = name.split(separator: ".").last.map(String.init) ?? ""
            #expect(
                ["get", "list", "history", "progress", "info", "ping", "discover", "whoami"].contains(verb)
                    || name.hasPrefix("reports."),
                "\(name) is declared read-only")
        }
        let destructive = Set(effects.filter { $0.value == .destructiveWrite }.map(\.key))
        #expect(
            destructive == [
                "agreements.terminate", "companies.archive", "events.cancel", "institutions.archive",
                "participations.reject",
                "participations.withdraw", "placements.cancel", "placements.terminate", "requests.reject",
                "staff.deactivate",
                "strategies.archive", "tokens.revoke",
            ])
        #expect(
            Set(effects.filter { $0.value == .idempotentWrite }.map(\.key)) == [
                "students.upsert", "placements.upsert", "sync.push",
            ])
    }

    @Test func annotationsComeFromTheEffect() {
        func hints(_ name: String) -> JSONValue? { catalog.tool(named: name)?.definition["annotations"] }
        #expect(hints("companies_list")?["readOnlyHint"] == true && hints("companies_list")?["destructiveHint"] == nil)
        #expect(
            hints("companies_archive")?["destructiveHint"] == true
                && hints("companies_archive")?["readOnlyHint"] == false)
        #expect(hints("sync_push")?["idempotentHint"] == true && hints("sync_push")?["destructiveHint"] == false)
    }

    @Test func schemasAreSelfContainedObjects() {
        for tool in catalog.tools {
            let d = tool.definition
            #expect(d["inputSchema"]?["type"] == "object" && d["outputSchema"]?["type"] == "object", "\(tool.name)")
            #expect(d["inputSchema"]?["properties"]?["progressToken"] == nil, "progress travels in _meta")
            for schema in [d["inputSchema"]!, d["outputSchema"]!] {
                for ref in Self.refs(schema) {
                    #expect(ref.hasPrefix("#/$defs/"), "\(tool.name): \(ref)")
                    let name = String(ref.dropFirst("#/$defs/".count).prefix { $0 != "/" })
                    #expect(schema["$defs"]?[name] != nil, "\(tool.name): \(ref) resolves in the schema")
                }
            }
        }
        #expect(catalog.tool(named: "companies_list")?.wrapsResult == false)
    }

    static func refs(_ v: JSONValue) -> [String] {
        switch v {
        case .object(let o): return (o["$ref"]?.stringValue.map { [$0] } ?? []) + o.values.flatMap(refs)
        case .array(let a): return a.flatMap(refs)
        default: return []
        }
    }
}
