import ExportDeskSchemas
import JSON
import JSONSchema
import TestSupport
import Testing

@testable import ExportDeskServer

/// `isValid` runs a program of its own (the verdict nodes) and `validate` walks the compiled tree; a request is
/// accepted on the first and its errors come from the second, so the two must agree on every instance. Every
/// example in Schemas/ is mutated many ways (seeded, so a failure reproduces) and judged by both.
struct VerdictAgreementTests {
    let catalog = SchemaCatalog.embedded

    @Test func isValidAgreesWithValidateOnMutatedExamplesOfEverySchema() throws {
        var random = SeededRandom(state: 0x5eed_2026)
        var accepted = 0
        var rejected = 0
        for (path, doc) in catalog.documents.sorted(by: { $0.key < $1.key }) {
            let examples = doc["examples"]?.arrayValue ?? []
            guard !examples.isEmpty else { continue }
            let validator = try JSONSchemaValidator(
                uri: EmbeddedSchemas.baseURI + path, registry: catalog.registry, assertFormats: true)
            for example in examples {
                for _ in 0..<60 {
                    let instance = Mutator.mutate(example, &random)
                    let errors = validator.validate(instance)
                    let quick = validator.isValid(instance)
                    #expect(
                        quick == errors.isEmpty,
                        "Schemas/\(path): isValid says \(quick), validate says \(errors) for \(instance.serializedString())"
                    )
                    if errors.isEmpty { accepted += 1 } else { rejected += 1 }
                }
            }
        }
        // Both verdicts must be well represented, or the comparison proves little.
        #expect(accepted > 500, "only \(accepted) mutated instances were valid")
        #expect(rejected > 2000, "only \(rejected) mutated instances were invalid")
    }
}

/// Changes one to three places of a JSON value: a member removed, added or retyped, a string or number bent
/// towards a boundary, an array item duplicated or dropped. Often still valid, often not.
enum Mutator {
    static let strings: [String] = [
        "", "x", "7707083893", "1027700132195", "26.51", "KZ", "kz", "RUB", "2026-11-22", "2026-02-30",
        "2026-11-22T10:30:00Z", "anna@example.ru", "not an email", "https://example.ru", "Привет",
        String(repeating: "я", count: 501), "legal_entity", "active", "micro", "00000000-0000-0000-0000-000000000000",
    ]
    static let scalars: [JSONValue] = [
        .null, true, false, 0, -1, 1, 2.5, 1_000_000, .number(JSONNumber(Int.max)), [], [:],
    ]

    static func mutate(_ value: JSONValue, _ random: inout SeededRandom) -> JSONValue {
        var v = value
        for _ in 0..<Int.random(in: 1...3, using: &random) { v = mutateOnce(v, &random) }
        return v
    }

    private static func mutateOnce(_ value: JSONValue, _ random: inout SeededRandom) -> JSONValue {
        switch value {
        case .object(var o):
            // Go deeper half of the time, so nested objects and arrays are bent too.
            if !o.isEmpty && Bool.random(using: &random) {
                let key = o.keys.randomElement(using: &random)!
                o[key] = mutateOnce(o[key]!, &random)
                return .object(o)
            }
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where !o.isEmpty: o[o.keys.randomElement(using: &random)!] = nil
            case 1: o["extra\(Int.random(in: 0..<3, using: &random))"] = randomLeaf(&random)
            default:
                if let key = o.keys.randomElement(using: &random) { o[key] = randomLeaf(&random) }
            }
            return .object(o)
        case .array(var a):
            if !a.isEmpty && Bool.random(using: &random) {
                let i = Int.random(in: 0..<a.count, using: &random)
                a[i] = mutateOnce(a[i], &random)
                return .array(a)
            }
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where !a.isEmpty: a.append(a[0])
            case 1 where !a.isEmpty: a.removeLast()
            default: a.append(randomLeaf(&random))
            }
            return .array(a)
        default:
            return randomLeaf(&random)
        }
    }

    private static func randomLeaf(_ random: inout SeededRandom) -> JSONValue {
        Bool.random(using: &random)
            ? .string(strings.randomElement(using: &random)!) : scalars.randomElement(using: &random)!
    }
}
