import ExportDeskServer
import JSON
import JSONRPC
import JSONSchema
import Support

#if canImport(Glibc)
import Glibc
#endif

/// `exportdesk-bench validate`: the cost of params validation, in-process, of a `companies.create` params
/// object against the server's own `companies.create` schema (from the embedded catalogue, `$ref`s and
/// all), on the server's code path: `isValid`, then `validate` only on failure.
enum ValidationBenchmark {
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
        guard let validator = SchemaCatalog.embedded.paramsValidator("companies.create") else {
            throw ValidationBenchmarkError(description: "the catalogue has no companies.create params schema")
        }
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
            .number(JSONNumber(((seconds / Double(iterations)) * 1e8).rounded() / 100))
        }
        return [
            "benchmark": "companies.create params validation against Schemas/methods/companies.create.params.json",
            "iterations": .number(JSONNumber(iterations)),
            "validMicros": micros(t1 - t0),
            "rejectFiveErrorsMicros": micros(t2 - t1),
            "errors": .array(errors.map { .string($0.description) }),
        ]
    }
}

struct ValidationBenchmarkError: Error, CustomStringConvertible { let description: String }
