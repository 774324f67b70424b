import ExportDeskSchemas
import Foundation
import JSON
import TestSupport
import Testing

@testable import ExportDeskServer

/// Python's `jsonschema` (an independent implementation) checks Schemas/ too: every file is a valid 2020-12
/// schema, every example validates, and it agrees with our validator on deliberately broken params.
struct PythonCrossCheckTests {
    static let available = Python.has("jsonschema, referencing")

    static let script = #"""
        import json, os, sys
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        root = sys.argv[1]
        docs = {}
        for d, _, files in os.walk(root):
            for f in files:
                if f.endswith(".json"):
                    p = os.path.join(d, f)
                    docs[os.path.relpath(p, root)] = json.load(open(p, encoding="utf-8"))
        registry = Registry().with_resources([(doc["$id"], Resource.from_contents(doc)) for doc in docs.values()])
        cases = json.load(open(sys.argv[2], encoding="utf-8"))
        out = {"schemas": 0, "examples": 0, "verdicts": []}
        for path, doc in sorted(docs.items()):
            Draft202012Validator.check_schema(doc)
            v = Draft202012Validator(doc, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
            out["schemas"] += 1
            for ex in doc.get("examples", []):
                errs = [e.message for e in v.iter_errors(ex)]
                if errs:
                    print(f"example in {path} is invalid: {errs}", file=sys.stderr); sys.exit(1)
                out["examples"] += 1
        for case in cases:
            doc = docs[case["schema"]]
            v = Draft202012Validator(doc, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)
            out["verdicts"].append(v.is_valid(case["instance"]))
        print(json.dumps(out))
        """#

    @Test(.enabled(if: available, "python3 with jsonschema and referencing is not installed"))
    func pythonJsonschemaAgrees() throws {
        let dir = TemporaryDirectory()
        for (path, text) in EmbeddedSchemas.files {
            let url = URL(fileURLWithPath: dir.file("schemas/" + path))
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let catalog = SchemaCatalog.embedded
        var cases: [JSONValue] = []
        var ours: [Bool] = []
        for name in MethodTable.productMethodNames {
            let path = "methods/\(name).params.json"
            var example = catalog.documents[path]?["examples"]?.arrayValue?.first?.objectValue ?? JSONObject()
            for instance: JSONValue in [.object(example), "not an object", [1, 2]] {
                cases.append(["schema": .string(path), "instance": instance])
                ours.append(catalog.checkParams(name, instance).isEmpty)
            }
            example["unexpected"] = true
            cases.append(["schema": .string(path), "instance": .object(example)])
            ours.append(catalog.checkParams(name, .object(example)).isEmpty)
        }
        try JSONValue.array(cases).serializedString().write(
            toFile: dir.file("cases.json"), atomically: true, encoding: .utf8)
        try Self.script.write(toFile: dir.file("check.py"), atomically: true, encoding: .utf8)
        let python = try Command.run(
            "/usr/bin/env", ["python3", dir.file("check.py"), dir.file("schemas"), dir.file("cases.json")])
        #expect(python.status == 0, "python: \(python.err)")
        let result = try JSONParser.parse([UInt8](python.data))
        #expect(result["schemas"]?.int64Value == Int64(catalog.documents.count))
        #expect((result["examples"]?.int64Value ?? 0) >= 7)
        #expect(result["verdicts"]?.arrayValue?.compactMap(\.boolValue) == ours, "python and ExportDesk disagree")
    }

    static let resolveScript = #"""
        import json, sys
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
        doc = json.load(open(sys.argv[1], encoding="utf-8"))
        base = "urn:exportdesk:openrpc"
        resolver = Registry().with_resource(base, Resource(contents=doc, specification=DRAFT202012)).resolver(base_uri=base)
        refs, unresolved = 0, []
        def walk(x):
            global refs
            if isinstance(x, dict):
                if isinstance(x.get("$ref"), str):
                    refs += 1
                    try:
                        resolver.lookup(x["$ref"])
                    except Exception:
                        unresolved.append(x["$ref"])
                for v in x.values(): walk(v)
            elif isinstance(x, list):
                for v in x: walk(v)
        walk(doc)
        print(json.dumps({"refs": refs, "unresolved": sorted(set(unresolved))}))
        """#

    /// Issue 12 item 9: an independent resolver (Python's `referencing`) finds every `$ref` of the
    /// rpc.discover document inside the document alone, with no Schemas/ files and no base URI.
    @Test(.enabled(if: available, "python3 with jsonschema and referencing is not installed"))
    func everyDiscoveryRefResolvesWithinTheDocument() throws {
        let dir = TemporaryDirectory()
        let document = OpenRPCDocument.build(catalog: .embedded, methods: MethodTable.productMethodNames)
        try document.serializedString().write(toFile: dir.file("openrpc.json"), atomically: true, encoding: .utf8)
        try Self.resolveScript.write(toFile: dir.file("resolve.py"), atomically: true, encoding: .utf8)
        let python = try Command.run("/usr/bin/env", ["python3", dir.file("resolve.py"), dir.file("openrpc.json")])
        #expect(python.status == 0)
        let data = python.data
        let result = try JSONParser.parse([UInt8](data))
        #expect((result["refs"]?.int64Value ?? 0) > 100, "the document uses components by reference")
        #expect(result["unresolved"]?.arrayValue == [], "refs that resolve to nothing in the document")
    }
}
