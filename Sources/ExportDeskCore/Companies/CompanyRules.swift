import ExportDeskSchemas
import JSON
import Support

/// The checks on a company record that JSON Schema cannot express (SPEC §5, §11).
public enum CompanyRules {
    /// Fields a client may set; the rest (id, version, timestamps, status) belong to the server.
    public static let mutableFields: Set<String> = [
        "name", "shortName", "nameEn", "inn", "ogrn", "kind", "size", "okved", "hsCodes", "exportStatus",
        "currentMarkets", "targetMarkets", "annualExportVolume", "website", "address", "contacts", "tags", "notes",
        "externalRef",
    ]

    /// Derives `kind` from the INN when it is missing; on an update (`patch`), a new INN re-derives the kind
    /// unless the patch sets the kind too. The JSON is the record's stored form, so the server's fill-in is
    /// written there, before the record is decoded and checked.
    public static func deriveKind(_ fields: inout JSONObject, patch: JSONObject? = nil) {
        if let patch, case .string? = patch["inn"], patch["kind"] == nil { fields["kind"] = nil }
        if fields["kind"] == nil, case .string(let inn)? = fields["inn"] {
            fields["kind"] = .string(kind(ofINN: inn).rawValue)
        }
    }

    private static func kind(ofINN inn: String) -> Records.Company.Kind {
        inn.utf8.count == 10 ? .legalEntity : .soleProprietor
    }

    /// Checks checksums and agreement between INN, OGRN and kind. `path` prefixes the JSON Pointers (`/patch`
    /// for updates). Throws -32602 with every problem.
    public static func check(_ company: Records.Company, path: String) throws {
        var issues: [ParamIssue] = []
        if let inn = company.inn, !TaxIDs.isValidINN(inn) {
            issues.append(
                .init(
                    instancePath: path + "/inn", keyword: "checksum",
                    message: "is not a valid INN: its check digit does not match"))
        }
        if let ogrn = company.ogrn, !TaxIDs.isValidOGRN(ogrn) {
            issues.append(
                .init(
                    instancePath: path + "/ogrn", keyword: "checksum",
                    message: "is not a valid OGRN: its check digit does not match"))
        }
        if let kind = company.kind, let inn = company.inn, kind != Self.kind(ofINN: inn) {
            issues.append(
                .init(
                    instancePath: path + "/kind", keyword: "consistency",
                    message: "must be \(Self.kind(ofINN: inn).rawValue) for a \(inn.utf8.count)-digit INN"))
        }
        if let kind = company.kind, let ogrn = company.ogrn {
            let expected: Records.Company.Kind = ogrn.utf8.count == 13 ? .legalEntity : .soleProprietor
            if kind != expected {
                issues.append(
                    .init(
                        instancePath: path + "/ogrn", keyword: "consistency",
                        message:
                            "a \(ogrn.utf8.count)-digit OGRN belongs to a \(expected.rawValue), but kind is \(kind.rawValue)"
                    ))
            }
        }
        if !issues.isEmpty { throw DomainError.invalidParams(issues) }
    }
}
