import JSON

/// A JSON Schema draft 2020-12 validator, compiled once from a schema and then used for many instances.
public final class JSONSchemaValidator: @unchecked Sendable {
    let root: SchemaNode
    let dynamicTargets: [String: [Int: SchemaNode]]
    /// The yes/no program `isValid` runs; nil when only the tree walker can judge (`$dynamicRef`).
    private let verdict: VerdictNode?
    /// The verdict on `{}`, found once: the params of most calls without arguments (a ping, a first page).
    private let emptyObjectIsValid: Bool
    /// Validation stops collecting after this many errors (a 4 MiB message could otherwise produce millions).
    public static let maxErrors = 1000

    /// Compiles the schema at `uri` in `registry`. With `assertFormats`, `format` is checked for the formats
    /// in `Format`; otherwise it is an annotation, as draft 2020-12 specifies by default.
    public init(uri: String, registry: SchemaRegistry, assertFormats: Bool = false) throws {
        let compiler = SchemaCompiler(registry: registry, assertFormats: assertFormats)
        root = try compiler.compile(uri: uri)
        dynamicTargets = compiler.dynamicTargets
        verdict = VerdictBuilder.program(root)
        var evaluator = Evaluator(dynamicTargets: dynamicTargets, collecting: false)
        emptyObjectIsValid = evaluator.evaluate(root, .object(JSONObject()), report: false, track: false).valid
    }

    /// Adds `schema` to `registry` under `uri` (or its `$id`) and compiles it.
    public convenience init(
        schema: JSONValue, uri: String = "https://exportdesk.invalid/anonymous.json",
        registry: SchemaRegistry = SchemaRegistry(), assertFormats: Bool = false
    ) throws {
        var location = uri
        if let id = schema["$id"]?.stringValue { location = URIReference(uri).resolve(id).withoutFragment.string }
        registry.add(schema, uri: uri)
        try self.init(uri: location, registry: registry, assertFormats: assertFormats)
    }

    /// Every violation of the schema by `instance`, in document order; empty when it is valid.
    public func validate(_ instance: JSONValue) -> [SchemaValidationError] {
        var evaluator = Evaluator(dynamicTargets: dynamicTargets, collecting: true)
        _ = evaluator.evaluate(root, instance, report: true, track: false)
        return evaluator.errors
    }

    public func isValid(_ instance: JSONValue) -> Bool {
        if case .object(let o) = instance, o.isEmpty { return emptyObjectIsValid }
        if let verdict { return verdict.accepts(instance) }
        var evaluator = Evaluator(dynamicTargets: dynamicTargets, collecting: false)
        return evaluator.evaluate(root, instance, report: false, track: false).valid
    }
}
