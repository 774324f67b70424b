import JSON
import JSONSchema
import Testing

/// What users of ExportDesk see from the validator: every error, located and explained.
struct ValidatorBehaviourTests {
    let schema: JSONValue = [
        "type": "object",
        "properties": [
            "kind": ["enum": ["exhibition", "business_mission"]],
            "title": ["type": "string", "minLength": 1, "maxLength": 10],
            "capacity": ["type": "integer", "minimum": 1],
            "inn": ["type": "string", "pattern": "^\\d{10}$"],
            "startsOn": ["type": "string", "format": "date"],
            "contacts": [
                "type": "array",
                "items": [
                    "type": "object", "properties": ["email": ["type": "string", "format": "email"]],
                    "required": ["email"], "additionalProperties": false,
                ],
            ],
            "a/b~c": ["type": "boolean"],
        ],
        "required": ["kind", "title"],
        "additionalProperties": false,
    ]

    func validator() throws -> JSONSchemaValidator { try JSONSchemaValidator(schema: schema, assertFormats: true) }

    @Test func reportsEveryViolationNotOnlyTheFirst() throws {
        let errors = try validator().validate([
            "kind": "fair", "capacity": 0, "inn": "12345", "startsOn": "2026-02-30",
            "contacts": [["email": "not-an-email"], ["name": "x"]], "a/b~c": 1, "extra": true,
        ])
        let byPath = Dictionary(grouping: errors, by: \.instancePath)
        #expect(byPath["/kind"]?.first?.message == "must be one of: exhibition, business_mission")
        #expect(byPath["/title"]?.first?.keyword == "required")
        #expect(byPath["/capacity"]?.first?.message == "must be at least 1")
        #expect(byPath["/inn"]?.first?.keyword == "pattern")
        #expect(byPath["/startsOn"]?.first?.message == "must be a date as YYYY-MM-DD")
        #expect(byPath["/contacts/0/email"]?.first?.keyword == "format")
        #expect(byPath["/contacts/1/email"]?.first?.keyword == "required")
        #expect(byPath["/contacts/1/name"]?.first?.keyword == "additionalProperties")
        #expect(byPath["/a~1b~0c"]?.first?.message == "must be boolean, not integer")
        #expect(byPath["/extra"]?.first?.message == "is not an allowed property")
        #expect(errors.count == 10)
    }

    @Test func validInstancePassesBothPaths() throws {
        let v = try validator()
        let ok: JSONValue = [
            "kind": "exhibition", "title": "Canton", "capacity": 12, "inn": "7707083893", "startsOn": "2024-02-29",
            "contacts": [["email": "anna@example.ru"]],
        ]
        #expect(v.validate(ok).isEmpty)
        #expect(v.isValid(ok))
    }

    @Test func digitClassesAreASCIIOnlyAsInECMAScript() throws {
        let v = try validator()
        #expect(
            v.isValid(["kind": "exhibition", "title": "x", "inn": "٧٧٠٧٠٨٣٨٩٣"]) == false,
            "Arabic-Indic digits are not \\d")
        #expect(v.isValid(["kind": "exhibition", "title": "x", "inn": "7707083893"]))
    }

    @Test func lengthsCountCodePoints() throws {
        let v = try validator()
        #expect(
            v.isValid(["kind": "exhibition", "title": "ТЕХНОПОЛИС"]),
            "10 Cyrillic letters are 10 characters, not 20 bytes")
        #expect(v.isValid(["kind": "exhibition", "title": "ТЕХНОПОЛИСЫ"]) == false)
    }

    @Test func formatsAreAnnotationsUnlessAsserted() throws {
        let lenient = try JSONSchemaValidator(schema: ["format": "date"])
        #expect(lenient.isValid("not a date"))
        let strict = try JSONSchemaValidator(schema: ["format": "date"], assertFormats: true)
        #expect(strict.isValid("not a date") == false)
        #expect(strict.isValid("2024-02-29") && strict.isValid("2023-02-29") == false)
    }

    @Test func multipleOfIsExactForMoney() throws {
        let v = try JSONSchemaValidator(schema: ["multipleOf": 0.01])
        #expect(v.isValid(.number(.literal("1250000.10"))))
        #expect(v.isValid(.number(.literal("0.3"))))
        #expect(v.isValid(.number(.literal("0.301"))) == false)
    }

    @Test func badSchemasFailToCompileWithTheReason() {
        #expect(throws: SchemaCompileError.self) { try JSONSchemaValidator(schema: ["$ref": "#/$defs/missing"]) }
        #expect(throws: SchemaCompileError.self) { try JSONSchemaValidator(schema: ["type": "strnig"]) }
        #expect(throws: SchemaCompileError.self) { try JSONSchemaValidator(schema: ["pattern": "(unclosed"]) }
    }

    @Test func recursiveSchemasTerminate() throws {
        let tree: JSONValue = [
            "$defs": [
                "node": [
                    "type": "object", "properties": ["children": ["type": "array", "items": ["$ref": "#/$defs/node"]]],
                    "additionalProperties": false,
                ]
            ],
            "$ref": "#/$defs/node",
        ]
        let v = try JSONSchemaValidator(schema: tree)
        #expect(v.isValid(["children": [["children": []], ["children": [["children": []]]]]]))
        #expect(
            v.validate(["children": [["children": [["x": 1]]]]]).map(\.instancePath) == ["/children/0/children/0/x"])
    }
}

extension ValidatorBehaviourTests {
    /// A property that breaks its own schema is reported once, for what is wrong with it, and not again
    /// by a sibling `unevaluatedProperties` as "not allowed".
    @Test func aFailingRefDoesNotMakeItsPropertiesUnevaluated() throws {
        let v = try JSONSchemaValidator(schema: [
            "$defs": [
                "fields": [
                    "properties": ["name": ["type": "string", "minLength": 1], "size": ["enum": ["small", "large"]]]
                ]
            ],
            "$ref": "#/$defs/fields", "properties": ["key": ["type": "string"]], "unevaluatedProperties": false,
        ])
        let errors = v.validate(["name": "", "size": "huge", "extra": 1])
        #expect(errors.map(\.instancePath).sorted() == ["/extra", "/name", "/size"])
        #expect(errors.first { $0.instancePath == "/name" }?.keyword == "minLength")
        #expect(v.isValid(["name": "x", "size": "small", "key": "k"]))
        #expect(v.isValid(["name": "x", "other": 1]) == false)
    }
}

/// `unevaluatedProperties` sees what `$ref`s and `allOf` evaluated, member by member, however many members an
/// object has (evaluated members are kept by position, a word of bits for the first 64 and more beyond).
struct UnevaluatedPropertiesTests {
    @Test func membersEvaluatedElsewhereAreSeenPastTheSixtyFourth() throws {
        var first = JSONObject()
        var second = JSONObject()
        for i in 0..<70 { first["p\(i)"] = ["type": "integer"] }
        for i in 70..<140 { second["p\(i)"] = ["type": "integer"] }
        let schema: JSONValue = [
            "allOf": [["properties": .object(first)], ["properties": .object(second)]],
            "unevaluatedProperties": false,
        ]
        let validator = try JSONSchemaValidator(schema: schema)
        var instance = JSONObject()
        for i in 0..<140 { instance["p\(i)"] = .number(.int(Int64(i))) }
        #expect(validator.validate(.object(instance)).isEmpty, "140 members, each evaluated by one branch")
        #expect(validator.isValid(.object(instance)))
        instance["extra"] = true
        let errors = validator.validate(.object(instance))
        #expect(errors.map(\.instancePath) == ["/extra"], "\(errors)")
        #expect(!validator.isValid(.object(instance)))
    }
}
