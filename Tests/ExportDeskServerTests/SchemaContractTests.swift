import ExportDeskSchemas
import Foundation
import JSON
import JSONRPC
import JSONSchema
import TestSupport
import Testing

@testable import ExportDeskServer

/// Guards that keep Schemas/ and the registered methods one contract (SPEC §3).
struct SchemaContractTests {
    let catalog = SchemaCatalog.embedded

    @Test func everyRegisteredMethodHasParamsAndResultSchemas() {
        let methods = MethodTable.productMethodNames
        #expect(methods.contains("system.ping") && methods.contains("rpc.discover"))
        for name in methods {
            #expect(catalog.documents["methods/\(name).params.json"] != nil, "\(name) has no params schema")
            #expect(catalog.documents["methods/\(name).result.json"] != nil, "\(name) has no result schema")
        }
    }

    /// Validators compile on first use, so the build's schemas are all compiled here instead of at start.
    @Test func everyMethodsSchemasCompile() throws {
        try catalog.compileAll()
        #expect(catalog.methodNames.count == MethodTable.productMethodNames.count)
    }

    @Test func everySchemaFileBelongsToAMethod() {
        let methods = Set(MethodTable.productMethodNames)
        var referenced = Set<String>()
        func collectRefs(_ v: JSONValue, from path: String) {
            switch v {
            case .object(let o):
                for (k, value) in o {
                    if k == "$ref", let ref = value.stringValue, !ref.hasPrefix("#") {
                        let dir = path.hasPrefix("components/") ? "components/" : "methods/"
                        let target = ref.hasPrefix("../") ? String(ref.dropFirst(3)) : dir + ref
                        let file = String(target.split(separator: "#").first ?? "")
                        if !referenced.contains(file) {
                            referenced.insert(file)
                            if let doc = catalog.documents[file] { collectRefs(doc, from: file) }
                        }
                    }
                    collectRefs(value, from: path)
                }
            case .array(let a): for x in a { collectRefs(x, from: path) }
            default: break
            }
        }
        for (path, doc) in catalog.documents where path.hasPrefix("methods/") { collectRefs(doc, from: path) }
        for path in catalog.documents.keys {
            if path.hasPrefix("methods/") {
                let name = path.dropFirst("methods/".count).replacingOccurrences(of: ".params.json", with: "")
                    .replacingOccurrences(of: ".result.json", with: "")
                #expect(methods.contains(String(name)), "Schemas/\(path) has no registered method \(name)")
            } else {
                #expect(referenced.contains(path), "Schemas/\(path) is referenced by no method schema")
            }
        }
    }

    @Test func everySchemaHasAnIdMatchingItsPathAndADialect() {
        for (path, doc) in catalog.documents {
            #expect(doc["$id"]?.stringValue == EmbeddedSchemas.baseURI + path, "Schemas/\(path) $id")
            #expect(doc["$schema"]?.stringValue == SchemaRegistry.dialect2020, "Schemas/\(path) $schema")
        }
    }

    @Test func everyExampleValidatesAgainstItsSchema() throws {
        var checked = 0
        for (path, doc) in catalog.documents {
            let validator = try JSONSchemaValidator(
                uri: EmbeddedSchemas.baseURI + path, registry: catalog.registry, assertFormats: true)
            for example in doc["examples"]?.arrayValue ?? [] {
                #expect(
                    validator.validate(example).isEmpty, "example in Schemas/\(path): \(validator.validate(example))")
                checked += 1
            }
        }
        #expect(checked >= 7)
        for name in MethodTable.productMethodNames {
            #expect(
                (catalog.documents["methods/\(name).params.json"]?["examples"]?.arrayValue ?? []).isEmpty == false,
                "\(name) has no params example")
        }
    }

    @Test func unknownParamsPropertiesAreRejectedEverywhere() {
        for name in MethodTable.productMethodNames {
            var params =
                catalog.documents["methods/\(name).params.json"]?["examples"]?.arrayValue?.first?.objectValue
                ?? JSONObject()
            params["definitelyNotAField"] = 1
            let issues = catalog.checkParams(name, .object(params))
            #expect(
                issues.contains { $0.instancePath == "/definitelyNotAField" }, "\(name) accepted an unknown property")
        }
    }

    @Test(.enabled(if: TestSuites.available, TestSuites.skipReason))
    func everySchemaIsValidAgainstTheMetaSchema() throws {
        let registry = SchemaRegistry()
        try MetaSchemas.load(into: registry)
        let meta = try JSONSchemaValidator(uri: SchemaRegistry.dialect2020, registry: registry)
        for (path, doc) in catalog.documents {
            #expect(meta.validate(doc).isEmpty, "Schemas/\(path): \(meta.validate(doc))")
        }
        // The meta-schema does catch a broken schema.
        #expect(meta.validate(["type": "strnig"]).isEmpty == false)
        #expect(meta.validate(["properties": ["a": 5]]).isEmpty == false)
    }

    @Test(.enabled(if: TestSuites.available, TestSuites.skipReason))
    func discoveryDocumentIsValidOpenRPC() throws {
        let state = ServerState()
        _ = MethodTable.build(options: ServeOptions(), state: state)
        let document = state.discovery.json
        let validator = try OpenRPCMetaSchema.validator()
        let problems = validator.validate(document)
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect(document["openrpc"] == "1.3.2")
        let names = (document["methods"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(names == MethodTable.productMethodNames.sorted())
        // Read into Results.RpcDiscover at start-up, the document loses nothing its open objects carry.
        let built = OpenRPCDocument.build(
            catalog: .embedded, methods: MethodTable.productMethodNames,
            access: { MethodTable.productAccessRules[$0] })
        #expect(document == built)
        let first = document["methods"]?.arrayValue?.first
        #expect(first?["errors"] != nil || first?["summary"] != nil, "members rpc.discover.result.json leaves open")
        // A broken document is caught, so the check above can fail.
        var broken = document.objectValue!
        broken["methods"] = [["name": "x"]]
        #expect(validator.validate(.object(broken)).isEmpty == false)
    }

    @Test func discoveryListsParamsResultsAndExamples() {
        let state = ServerState()
        _ = MethodTable.build(options: ServeOptions(), state: state)
        let info = state.discovery.json["methods"]?.arrayValue?.first { $0["name"] == "system.info" }
        #expect(info?["paramStructure"] == "by-name")
        #expect(info?["result"]?["schema"]?["properties"]?["startedAt"]?["$ref"] == "#/components/schemas/Timestamp")
        #expect(state.discovery.json["components"]?["schemas"]?["Timestamp"]?["format"] == "date-time")
        #expect(info?["examples"]?.arrayValue?.first?["result"]?["value"]?["version"] == "0.1.0")
    }

    @Test func aResultThatBreaksItsSchemaIsNeverSent() throws {
        var files = EmbeddedSchemas.files
        files["methods/system.ping.result.json"] = files["methods/system.ping.result.json"]!
            .replacingOccurrences(of: "\"const\": true", with: "\"const\": false")
        let drifted = try SchemaCatalog(files: files)
        var options = ServeOptions()
        options.validateResults = true
        let registry = MethodTable.build(options: options, state: ServerState(), catalog: drifted)
        guard case .sync(let ping)? = registry["system.ping"]?.handler else {
            Issue.record("system.ping is not registered")
            return
        }
        let core = RPCServerCore(registry: registry)
        final class Sink: RPCOutput, @unchecked Sendable {
            func send(_ bytes: [UInt8]) {}
            func close() {}
        }
        let context = RPCContext(
            session: RPCSession(core: core, output: Sink(), label: "t"), requestID: 1, method: "system.ping")
        #expect(throws: RPCError.internalError) { try ping(context, [:]) }
    }
}

/// The OpenRPC meta-schema from the shared test suites, with its release enum filled in (see its SOURCE.txt).
enum OpenRPCMetaSchema {
    static func validator() throws -> JSONSchemaValidator {
        let registry = SchemaRegistry()
        let tools = try JSONParser.parse(
            [UInt8](try TestSuites.read("openrpc-meta-schema/json-schema-tools-meta-schema.json")))
        registry.add(tools, uri: "https://meta.json-schema.tools/")
        var meta = try JSONParser.parse([UInt8](try TestSuites.read("openrpc-meta-schema/schema.json"))).objectValue!
        var properties = meta["properties"]!.objectValue!
        var openrpc = properties["openrpc"]!.objectValue!
        openrpc["enum"] = ["1.3.2", "1.3.1", "1.3.0", "1.2.6", "1.2.5", "1.2.4", "1.2.3", "1.2.2", "1.2.1", "1.2.0"]
        properties["openrpc"] = .object(openrpc)
        meta["properties"] = .object(properties)
        return try JSONSchemaValidator(schema: .object(meta), uri: "https://meta.open-rpc.org/", registry: registry)
    }
}
