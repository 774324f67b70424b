import ExportDeskSchemas
import Foundation
import JSON
import JSONRPC
import JSONSchema

/// The method contract of Schemas/ (embedded in the binary): params and result validators per method, each
/// compiled on its first use (compiling all of them up front made every start wait about a second), and the
/// raw documents for `rpc.discover`.
public final class SchemaCatalog: @unchecked Sendable {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public let registry = SchemaRegistry()
    /// Parsed files by path relative to Schemas/ ("methods/system.ping.params.json").
    public let documents: [String: JSONValue]
    /// Validators compiled so far, by schema URI. Compiling reads the shared registry, so it happens under
    /// this lock; a compiled validator is immutable and used without it. (An NSLock, a pthread mutex,
    /// rather than Synchronization's Mutex, whose futex ThreadSanitizer cannot see, so that a TSan build
    /// checks this hand-off too.)
    private let lock = NSLock()
    nonisolated(unsafe) private var compiled: [String: JSONSchemaValidator] = [:]
    private let methods: Set<String>

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
        methods = Set(Self.methodNames(documents))
    }

    /// Compiles every method's schemas now; throws for the first that does not compile (tests, `--check`).
    public func compileAll() throws {
        for name in methodNames {
            for uri in [Self.uri(params: name), Self.uri(result: name)] {
                do {
                    _ = try validator(uri: uri)
                } catch {
                    throw LoadError(description: "schemas of \(name) do not compile: \(error)")
                }
            }
        }
    }

    /// The validator of the schema at `uri`, compiled on first use.
    public func validator(uri: String) throws -> JSONSchemaValidator {
        lock.lock()
        defer { lock.unlock() }
        if let v = compiled[uri] { return v }
        let v = try JSONSchemaValidator(uri: uri, registry: registry, assertFormats: true)
        compiled[uri] = v
        return v
    }

    private func validator(method: String, uri: String) -> JSONSchemaValidator? {
        guard methods.contains(method) else { return nil }
        do {
            return try validator(uri: uri)
        } catch {
            // The embedded schemas are compiled by the test suite; reaching this is a build defect.
            fatalError("Schemas/ of \(method) do not compile: \(error)")
        }
    }

    public static func uri(params method: String) -> String {
        EmbeddedSchemas.baseURI + "methods/\(method).params.json"
    }
    public static func uri(result method: String) -> String {
        EmbeddedSchemas.baseURI + "methods/\(method).result.json"
    }

    /// Methods that have both a params and a result schema.
    public var methodNames: [String] { methods.sorted() }

    private static func methodNames(_ documents: [String: JSONValue]) -> [String] {
        documents.keys.compactMap { path -> String? in
            guard path.hasPrefix("methods/"), path.hasSuffix(".params.json") else { return nil }
            let name = String(path.dropFirst("methods/".count).dropLast(".params.json".count))
            return documents["methods/\(name).result.json"] != nil ? name : nil
        }.sorted()
    }

    /// Whether `method` has both schema files.
    public func hasSchemas(_ method: String) -> Bool { methods.contains(method) }
    public func paramsValidator(_ method: String) -> JSONSchemaValidator? {
        validator(method: method, uri: Self.uri(params: method))
    }
    public func resultValidator(_ method: String) -> JSONSchemaValidator? {
        validator(method: method, uri: Self.uri(result: method))
    }

    /// Params problems in the form of SPEC §2 (empty when valid). The fast check runs first; the full,
    /// every-error validation runs only for invalid params.
    public func checkParams(_ method: String, _ params: JSONValue) -> [RPCError.ParamIssue] {
        guard let v = paramsValidator(method), !v.isValid(params) else { return [] }
        return v.validate(params).map {
            RPCError.ParamIssue(instancePath: $0.instancePath, keyword: $0.keyword, message: $0.message)
        }
    }
}
