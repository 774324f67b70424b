import JSON
import JSONSchema
import Testing

/// `isValid` answers from a program of its own, with `unevaluatedProperties` resolved at compile time where the
/// evaluated names are static. These are the cases where that resolution could go wrong; each is also checked
/// against `validate`, the tree walker.
struct VerdictProgramTests {
    /// Compiles `schema` (with `defs` beside it) and checks both paths give `expected` for `instance`.
    func judge(_ schema: JSONValue, _ instance: JSONValue, _ expected: Bool, _ note: String) throws {
        let v = try JSONSchemaValidator(schema: schema)
        #expect(v.isValid(instance) == expected, "isValid: \(note)")
        #expect(v.validate(instance).isEmpty == expected, "validate: \(note)")
    }

    let fields: JSONValue = [
        "type": "object",
        "properties": ["name": ["type": "string"], "size": ["enum": ["small", "large"]]],
        "patternProperties": ["^x-": ["type": "integer"]],
    ]

    @Test func unevaluatedPropertiesSeesTheNamesOfAReferencedSchema() throws {
        let schema: JSONValue = [
            "$defs": ["fields": fields], "$ref": "#/$defs/fields",
            "properties": ["key": ["type": "string"]], "unevaluatedProperties": false,
        ]
        try judge(schema, ["name": "a", "size": "small", "key": "k"], true, "names from the reference and its own")
        try judge(schema, ["name": "a", "x-count": 3], true, "a name matching the referenced pattern")
        try judge(schema, ["name": "a", "x-count": "3"], false, "the pattern's schema still applies")
        try judge(schema, ["name": "a", "colour": "blue"], false, "a name nobody evaluates")
        try judge(schema, ["size": "medium"], false, "the referenced schema's own rules still apply")
    }

    @Test func unevaluatedPropertiesWithASchemaChecksOnlyTheRest() throws {
        let schema: JSONValue = [
            "allOf": [fields], "unevaluatedProperties": ["type": "boolean"],
        ]
        try judge(schema, ["name": "a", "flag": true], true, "an unevaluated member matching its schema")
        try judge(schema, ["name": "a", "flag": 1], false, "an unevaluated member failing its schema")
        try judge(schema, ["name": "a"], true, "nothing unevaluated")
    }

    @Test func additionalPropertiesBesideItLeavesNothingUnevaluated() throws {
        let schema: JSONValue = [
            "$defs": ["open": ["additionalProperties": ["type": "string"]]], "$ref": "#/$defs/open",
            "unevaluatedProperties": false,
        ]
        try judge(schema, ["anything": "x"], true, "additionalProperties evaluates every member")
        try judge(schema, ["anything": 1], false, "and still judges them")
    }

    @Test func namesEvaluatedOnlyByOneBranchDependOnTheInstance() throws {
        // Whether `b` is evaluated depends on which branch passes: this cannot be resolved at compile time.
        let schema: JSONValue = [
            "properties": ["a": true],
            "anyOf": [["properties": ["b": ["type": "integer"]], "required": ["b"]], ["required": ["c"]]],
            "unevaluatedProperties": false,
        ]
        try judge(schema, ["a": 1, "b": 2], true, "the first branch evaluates b")
        try judge(schema, ["a": 1, "b": "2", "c": 3], false, "b fails the first branch, so nothing evaluates b or c")
        try judge(schema, ["a": 1, "c": 3], false, "the second branch passes but evaluates nothing")
    }

    @Test func branchesThatEvaluateNoNamesKeepTheStaticResolution() throws {
        let schema: JSONValue = [
            "properties": ["a": ["type": ["integer", "string"]]],
            "anyOf": [["required": ["a"]], ["minProperties": 2]],
            "unevaluatedProperties": false,
        ]
        try judge(schema, ["a": 1], true, "a is evaluated, the branch only requires")
        try judge(schema, ["a": 1, "b": 2], false, "b is not evaluated")
        try judge(schema, [:], false, "neither branch passes")
    }

    @Test func recursiveSchemasAreJudgedAtEveryDepth() throws {
        let schema: JSONValue = [
            "$defs": [
                "node": [
                    "type": "object",
                    "properties": [
                        "value": ["type": "integer"], "children": ["type": "array", "items": ["$ref": "#/$defs/node"]],
                    ],
                    "additionalProperties": false,
                ]
            ],
            "$ref": "#/$defs/node",
        ]
        let deep: JSONValue = ["value": 1, "children": [["value": 2, "children": [["value": 3]]]]]
        try judge(schema, deep, true, "three levels")
        let bad: JSONValue = ["value": 1, "children": [["value": 2, "children": [["value": "3"]]]]]
        try judge(schema, bad, false, "a wrong value three levels down")
        try judge(schema, ["value": 1, "children": [["other": 1]]], false, "an unknown member one level down")
    }

    @Test func nestedUnevaluatedPropertiesEvaluatesEverything() throws {
        let schema: JSONValue = [
            "allOf": [["properties": ["a": true], "unevaluatedProperties": ["type": "integer"]]],
            "unevaluatedProperties": false,
        ]
        try judge(schema, ["a": "x", "b": 2], true, "the inner keyword evaluated b")
        try judge(schema, ["a": "x", "b": "2"], false, "and judged it")
    }

    @Test func aReferencedObjectSchemaFoldsInOnlyWhereItsMeaningIsKept() throws {
        // Folded: disjoint names, both schemas' rules still apply.
        let folded: JSONValue = [
            "$defs": ["base": ["type": "object", "properties": ["b": ["type": "integer"]], "required": ["b"]]],
            "$ref": "#/$defs/base", "properties": ["a": ["type": "string"]], "maxProperties": 2,
        ]
        try judge(folded, ["a": "x", "b": 1], true, "both schemas' properties")
        try judge(folded, ["a": "x"], false, "the referenced schema's required")
        try judge(folded, ["a": 1, "b": 1], false, "this schema's property")
        try judge(folded, ["a": "x", "b": 1, "c": 1], false, "this schema's maxProperties")
        // Not folded: the referenced additionalProperties judges `a`, which only this schema declares.
        let closed: JSONValue = [
            "$defs": ["base": ["properties": ["b": true], "additionalProperties": false]],
            "$ref": "#/$defs/base", "properties": ["a": true],
        ]
        try judge(closed, ["b": 1], true, "a name the referenced schema declares")
        try judge(closed, ["a": 1], false, "additionalProperties of the referenced schema still applies")
        // Not folded: both declare `a`, and both subschemas apply to it.
        let shared: JSONValue = [
            "$defs": ["base": ["properties": ["a": ["minimum": 0]]]],
            "$ref": "#/$defs/base", "properties": ["a": ["maximum": 10]],
        ]
        try judge(shared, ["a": 5], true, "within both")
        try judge(shared, ["a": -1], false, "the referenced minimum")
        try judge(shared, ["a": 11], false, "this schema's maximum")
        // Types: an integer-only reference under a number schema keeps integers only.
        let typed: JSONValue = [
            "$defs": ["int": ["type": "integer", "minProperties": 0]], "type": "number", "$ref": "#/$defs/int",
        ]
        try judge(typed, 2, true, "an integer is a number")
        try judge(typed, 2.5, false, "the referenced integer type")
    }
}
