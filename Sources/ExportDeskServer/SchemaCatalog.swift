import ExportDeskSchemas
import JSON
import JSONRPC
import JSONSchema

/// The method contract of Schemas/ (embedded in the binary), compiled once: params and result validators per
/// method, and the raw documents for `rpc.discover`.
public final class SchemaCatalog: @unchecked Sendable {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public let registry = SchemaRegistry()
    /// Parsed files by path relative to Schemas/ ("methods/system.ping.params.json").
    public let documents: [String: JSONValue]
    private var paramsValidators: [String: JSONSchemaValidator] = [:]
    private var resultValidators: [String: JSONSchemaValidator] = [:]

    /// The catalog of the schemas built into this binary.
    public static let embedded: SchemaCatalog = {
        do {
            return try SchemaCatalog(files: EmbeddedSchemas.files)
        } catch {
            fatalError("the embedded Schemas/ are broken: \(error)")
        }
    }()

    public init(files: [String: String]) throws {
        var documents: [String: JSONValue] = [:]
        for (path, text) in files {
            do {
                documents[path] = try JSONParser.parse(text)
            } catch {
                throw LoadError(description: "Schemas/\(path) is not valid JSON: \(error)")
            }
            registry.add(documents[path]!, uri: EmbeddedSchemas.baseURI + path)
        }
        self.documents = documents
        for name in methodNames {
            do {
                paramsValidators[name] = try JSONSchemaValidator(uri: Self.uri(params: name), registry: registry, assertFormats: true)
                resultValidators[name] = try JSONSchemaValidator(uri: Self.uri(result: name), registry: registry, assertFormats: true)
            } catch {
                throw LoadError(description: "schemas of \(name) do not compile: \(error)")
            }
        }
    }

    public static func uri(params method: String) -> String { EmbeddedSchemas.baseURI + "methods/\(method).params.json" }
    public static func uri(result method: String) -> String { EmbeddedSchemas.baseURI + "methods/\(method).result.json" }

    /// Methods that have both a params and a result schema.
    public var methodNames: [String] {
        documents.keys.compactMap { path -> String? in
            guard path.hasPrefix("methods/"), path.hasSuffix(".params.json") else { return nil }
            let name = String(path.dropFirst("methods/".count).dropLast(".params.json".count))
            return documents["methods/\(name).result.json"] != nil ? name : nil
        }.sorted()
    }

    public func paramsValidator(_ method: String) -> JSONSchemaValidator? { paramsValidators[method] }
    public func resultValidator(_ method: String) -> JSONSchemaValidator? { resultValidators[method] }

    /// Params problems in the form of SPEC §2 (empty when valid). The fast check runs first; the full,
    /// every-error validation runs only for invalid params.
    public func checkParams(_ method: String, _ params: JSONValue) -> [RPCError.ParamIssue] {
        guard let v = paramsValidators[method], !v.isValid(params) else { return [] }
        return v.validate(params).map { RPCError.ParamIssue(instancePath: $0.instancePath, keyword: $0.keyword, message: $0.message) }
    }
}
