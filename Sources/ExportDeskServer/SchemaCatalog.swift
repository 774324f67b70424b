import ExportDeskSchemas
import Foundation
import JSON
import JSONRPC
import JSONSchema
import Synchronization

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
    nonisolated(unsafe) private var compiledByURI: [String: JSONSchemaValidator] = [:]
    /// Each method's params and result validators, found on the first call and read without a lock after:
    /// building the URI and looking it up under the lock cost a ping as much as the rest of its answer.
    private let slots: [String: MethodSlots]

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
        slots = Dictionary(uniqueKeysWithValues: Self.methodNames(documents).map { ($0, MethodSlots()) })
    }

    /// A method's validators once compiled.
    final class MethodSlots: Sendable {
        let params = LazySlot()
        let result = LazySlot()
    }

    /// A validator set once and read with one atomic load after (a race on the first call compiles twice and
    /// keeps the first). It holds the validator's address; the validator it keeps is never released, as the
    /// catalog lives as long as the process. (Synchronization's AtomicLazyReference did the same job at the
    /// cost of a generic call per read.)
    final class LazySlot: Sendable {
        private let address = Atomic<UInt>(0)

        func load() -> JSONSchemaValidator? {
            let bits = address.load(ordering: .acquiring)
            guard bits != 0, let pointer = UnsafeRawPointer(bitPattern: bits) else { return nil }
            return Unmanaged<JSONSchemaValidator>.fromOpaque(pointer).takeUnretainedValue()
        }

        func storeIfNil(_ validator: JSONSchemaValidator) -> JSONSchemaValidator {
            let bits = UInt(bitPattern: Unmanaged.passRetained(validator).toOpaque())
            let (stored, current) = address.compareExchange(
                expected: 0, desired: bits, successOrdering: .releasing, failureOrdering: .acquiring)
            if stored { return validator }
            Unmanaged<JSONSchemaValidator>.fromOpaque(UnsafeRawPointer(bitPattern: bits)!).release()
            return Unmanaged<JSONSchemaValidator>.fromOpaque(UnsafeRawPointer(bitPattern: current)!)
                .takeUnretainedValue()
        }
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
        if let v = compiledByURI[uri] { return v }
        let v = try JSONSchemaValidator(uri: uri, registry: registry, assertFormats: true)
        compiledByURI[uri] = v
        return v
    }

    private func compiled(
        _ slot: LazySlot, method: String, uri: (String) -> String
    ) -> JSONSchemaValidator {
        if let v = slot.load() { return v }
        do {
            return slot.storeIfNil(try validator(uri: uri(method)))
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
    public var methodNames: [String] { slots.keys.sorted() }

    private static func methodNames(_ documents: [String: JSONValue]) -> [String] {
        documents.keys.compactMap { path -> String? in
            guard path.hasPrefix("methods/"), path.hasSuffix(".params.json") else { return nil }
            let name = String(path.dropFirst("methods/".count).dropLast(".params.json".count))
            return documents["methods/\(name).result.json"] != nil ? name : nil
        }.sorted()
    }

    /// Whether `method` has both schema files.
    public func hasSchemas(_ method: String) -> Bool { slots[method] != nil }
    public func paramsValidator(_ method: String) -> JSONSchemaValidator? {
        slots[method].map { compiled($0.params, method: method, uri: Self.uri(params:)) }
    }
    public func resultValidator(_ method: String) -> JSONSchemaValidator? {
        slots[method].map { compiled($0.result, method: method, uri: Self.uri(result:)) }
    }

    /// Params problems in the form of SPEC §2 (empty when valid). The fast check runs first; the full,
    /// every-error validation runs only for invalid params.
    public func checkParams(_ method: String, _ params: JSONValue) -> [RPCError.ParamIssue] {
        paramsValidator(method).map { Self.issues(of: params, $0) } ?? []
    }

    /// `checkParams` bound to one method, its validator found once: what the method table calls per request.
    public func paramsCheck(_ method: String) -> @Sendable (JSONValue) -> [RPCError.ParamIssue] {
        guard let slot = slots[method] else { return { _ in [] } }
        return { [self] params in Self.issues(of: params, compiled(slot.params, method: method, uri: Self.uri(params:)))
        }
    }

    private static func issues(of params: JSONValue, _ v: JSONSchemaValidator) -> [RPCError.ParamIssue] {
        guard !v.isValid(params) else { return [] }
        return v.validate(params).map {
            RPCError.ParamIssue(instancePath: $0.instancePath, keyword: $0.keyword, message: $0.message)
        }
    }
}
