import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC

/// The second half of validating an `X.update` patch (RFC 7386). The params schema accepts an object field
/// given in part (`{annualExportVolume: {amount: "2000000.00"}}`), because a merge patch merges it into the
/// current value; what must be valid is the merged value. This checks each such field after the merge,
/// against the field's own schema named beside `PartialObject.json` in the patch schema.
struct PatchContract: Sendable {
    /// Field name → the URI of its schema, for the object fields of one method's patch.
    let fieldSchemas: [String: String]
    let catalog: SchemaCatalog

    init(method: String, catalog: SchemaCatalog) {
        self.catalog = catalog
        let paramsPath = "methods/\(method).params.json"
        var patchPath = paramsPath
        var patch = catalog.documents[paramsPath].flatMap { SchemaView($0).property("patch") } ?? SchemaView(.null)
        if let ref = patch.ref, ref.hasPrefix("../components/") {
            patchPath = "components/" + ref.dropFirst("../components/".count)
            patch = SchemaView(catalog.documents[patchPath] ?? .null)
        }
        var schemas: [String: String] = [:]
        for (field, schema) in patch.properties {
            let refs = schema.anyOfRefs
            guard refs.contains(where: { $0.hasSuffix("PartialObject.json") }),
                let strict = refs.first(where: { !$0.hasSuffix("PartialObject.json") })
            else { continue }
            // Schemas/ refer between its two folders only: "../components/X.json" or, within components/, "X.json".
            let file =
                strict.hasPrefix("../")
                ? String(strict.dropFirst(3))
                : (patchPath.hasPrefix("components/") ? "components/" : "methods/") + strict
            schemas[field] = EmbeddedSchemas.baseURI + file
        }
        fieldSchemas = schemas
    }

    /// Throws INVALID_PARAMS naming `/patch/<field>/…` for every merged object field that breaks its schema.
    func check(patch: JSONObject, patched: JSONObject) throws {
        var issues: [RPCError.ParamIssue] = []
        for (field, value) in patch {
            guard case .object = value, let uri = fieldSchemas[field], let merged = patched[field],
                let validator = try? catalog.validator(uri: uri)
            else { continue }
            for e in validator.validate(merged) {
                issues.append(
                    RPCError.ParamIssue(
                        instancePath: "/patch/\(field)" + e.instancePath, keyword: e.keyword,
                        message: e.message + " (after merging the patch into the current value)"))
            }
        }
        if !issues.isEmpty { throw RPCError.invalidParams(issues) }
    }
}
