import JSON
import JSONRPC

/// The checks on a company record that JSON Schema cannot express (SPEC §5, §11).
public enum CompanyRules {
    /// Fields a client may set; the rest (id, version, timestamps, status) belong to the server.
    public static let mutableFields: Set<String> = [
        "name", "shortName", "nameEn", "inn", "ogrn", "kind", "size", "okved", "hsCodes", "exportStatus",
        "currentMarkets", "targetMarkets", "annualExportVolume", "website", "address", "contacts", "tags", "notes",
        "externalRef",
    ]

    /// Checks checksums and agreement between INN, OGRN and kind, and derives `kind` from the INN when it is
    /// missing. `path` prefixes the JSON Pointers (`/patch` for updates). Throws -32602 with every problem.
    public static func normalize(_ record: inout JSONObject, path: String = "") throws {
        var issues: [RPCError.ParamIssue] = []
        let inn = record["inn"]?.stringValue
        let ogrn = record["ogrn"]?.stringValue
        if let inn, !TaxIDs.isValidINN(inn) {
            issues.append(
                .init(
                    instancePath: path + "/inn", keyword: "checksum",
                    message: "is not a valid INN: its check digit does not match"))
        }
        if let ogrn, !TaxIDs.isValidOGRN(ogrn) {
            issues.append(
                .init(
                    instancePath: path + "/ogrn", keyword: "checksum",
                    message: "is not a valid OGRN: its check digit does not match"))
        }
        let innKind = inn.map { $0.utf8.count == 10 ? "legal_entity" : "sole_proprietor" }
        if record["kind"] == nil, let innKind { record["kind"] = .string(innKind) }
        let kind = record["kind"]?.stringValue
        if let kind, let innKind, kind != innKind {
            issues.append(
                .init(
                    instancePath: path + "/kind", keyword: "consistency",
                    message: "must be \(innKind) for a \(inn!.utf8.count)-digit INN"))
        }
        if let kind, let ogrn {
            let expected = ogrn.utf8.count == 13 ? "legal_entity" : "sole_proprietor"
            if kind != expected {
                issues.append(
                    .init(
                        instancePath: path + "/ogrn", keyword: "consistency",
                        message: "a \(ogrn.utf8.count)-digit OGRN belongs to a \(expected), but kind is \(kind)"))
            }
        }
        if !issues.isEmpty { throw RPCError.invalidParams(issues) }
    }
}
