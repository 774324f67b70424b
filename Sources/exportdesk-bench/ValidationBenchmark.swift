import JSON
import JSONRPC
import JSONSchema
import Support

#if canImport(Glibc)
import Glibc
#endif

/// `exportdesk-bench validate`: the cost of params validation, in-process, for a companies.create-sized object.
///
/// The schema mirrors SPEC §5's company fields (20 properties, nested arrays of objects, patterns, enums,
/// formats, `$ref`s); the server uses the same code path (`isValid`, then `validate` only on failure).
enum ValidationBenchmark {
    static let schema = #"""
        {
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "type": "object", "additionalProperties": false, "required": ["name", "kind"],
          "$defs": {
            "country": { "type": "string", "pattern": "^[A-Z]{2}$" },
            "money": { "type": "object", "additionalProperties": false, "required": ["amount", "currency"],
                       "properties": { "amount": { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]{1,2})?$" },
                                       "currency": { "type": "string", "pattern": "^[A-Z]{3}$" } } }
          },
          "properties": {
            "name": { "type": "string", "minLength": 1, "maxLength": 500 },
            "shortName": { "type": "string", "maxLength": 200 },
            "nameEn": { "type": "string", "pattern": "^[A-Za-z0-9 .,&'()\"-]+$" },
            "inn": { "type": "string", "pattern": "^([0-9]{10}|[0-9]{12})$" },
            "ogrn": { "type": "string", "pattern": "^([0-9]{13}|[0-9]{15})$" },
            "kind": { "enum": ["legal_entity", "sole_proprietor"] },
            "size": { "enum": ["micro", "small", "medium", "large"] },
            "okved": { "type": "array", "uniqueItems": true, "items": { "type": "string", "pattern": "^[0-9]{2}(\\.[0-9]{1,2}){0,2}$" } },
            "hsCodes": { "type": "array", "items": { "type": "string", "pattern": "^[0-9]{4,10}$" } },
            "exportStatus": { "enum": ["non_exporter", "beginner", "active"] },
            "currentMarkets": { "type": "array", "items": { "$ref": "#/$defs/country" } },
            "targetMarkets": { "type": "array", "items": { "$ref": "#/$defs/country" } },
            "annualExportVolume": { "$ref": "#/$defs/money" },
            "website": { "type": "string", "format": "uri" },
            "address": { "type": "string", "maxLength": 1000 },
            "contacts": { "type": "array", "maxItems": 50, "items": {
              "type": "object", "additionalProperties": false, "required": ["name"],
              "properties": { "name": { "type": "string", "minLength": 1 }, "position": { "type": "string" },
                              "email": { "type": "string", "format": "email" },
                              "phone": { "type": "string", "pattern": "^\\+[1-9][0-9]{6,14}$" } } } },
            "tags": { "type": "array", "items": { "type": "string", "minLength": 1, "maxLength": 64 } },
            "notes": { "type": "string", "maxLength": 10000 },
            "externalRef": { "type": "object", "additionalProperties": false, "required": ["system", "id"],
                             "properties": { "system": { "type": "string" }, "id": { "type": "string" } } },
            "idempotencyKey": { "type": "string", "minLength": 1, "maxLength": 200 }
          }
        }
        """#

    static let valid = #"""
        {"name": "ООО «Технополис Экспорт»", "shortName": "Технополис", "nameEn": "Technopolis Export LLC",
         "inn": "7707083893", "ogrn": "1027700132195", "kind": "legal_entity", "size": "medium",
         "okved": ["26.51", "27.12", "28.29"], "hsCodes": ["8471", "903180"], "exportStatus": "beginner",
         "currentMarkets": ["KZ", "BY"], "targetMarkets": ["CN", "SA", "AE", "IN"],
         "annualExportVolume": {"amount": "1250000.00", "currency": "RUB"}, "website": "https://technopolis.example.ru/export",
         "address": "Москва, Волгоградский проспект, 42", "contacts": [
           {"name": "Анна Смирнова", "position": "Директор по ВЭД", "email": "anna@technopolis.example.ru", "phone": "+74951234567"},
           {"name": "Олег Петров", "position": "Менеджер", "email": "oleg@technopolis.example.ru", "phone": "+79161234567"}],
         "tags": ["электроника", "приборы"], "notes": "Участник выставки в Эр-Рияде.",
         "externalRef": {"system": "crm", "id": "A-1001"}, "idempotencyKey": "create-7707083893"}
        """#

    /// The same object with exactly five violations.
    static let invalid = #"""
        {"name": "ООО «Технополис Экспорт»", "inn": "77070838", "kind": "company", "size": "medium",
         "okved": ["26.51"], "currentMarkets": ["KZ"], "annualExportVolume": {"amount": "1250000.00", "currency": "rub"},
         "contacts": [{"name": "Анна", "email": "anna at example"}], "tags": ["x"], "colour": "blue"}
        """#

    static func run(iterations: Int) throws -> JSONValue {
        let validator = try JSONSchemaValidator(schema: try JSONParser.parse(schema), assertFormats: true)
        let good = try JSONParser.parse(valid)
        let bad = try JSONParser.parse(invalid)
        precondition(validator.validate(good).isEmpty, "the valid fixture must validate: \(validator.validate(good))")
        let errors = validator.validate(bad)
        precondition(errors.count == 5, "the invalid fixture must have 5 errors: \(errors)")

        // The server's path: the fast check, then the full every-error validation only when it fails.
        func accept() -> Bool { validator.isValid(good) || validator.validate(good).isEmpty }
        func reject() -> Int { validator.isValid(bad) ? 0 : validator.validate(bad).count }
        for _ in 0..<iterations / 10 {
            _ = accept()
            _ = reject()
        }

        var sink = 0
        let t0 = MonotonicClock.now
        for _ in 0..<iterations where accept() { sink += 1 }
        let t1 = MonotonicClock.now
        for _ in 0..<iterations { sink += reject() }
        let t2 = MonotonicClock.now
        precondition(sink == iterations * 6)
        func micros(_ seconds: Double) -> JSONValue {
            .number(JSONNumber(((seconds / Double(iterations)) * 1e7).rounded() / 10))
        }
        return [
            "benchmark": "params validation (companies.create-sized: 20 properties, nested arrays of objects)",
            "iterations": .number(JSONNumber(iterations)),
            "validMicros": micros(t1 - t0),
            "rejectFiveErrorsMicros": micros(t2 - t1),
            "errors": .array(errors.map { .string($0.description) }),
        ]
    }
}
