import ExportDeskCore
import Foundation
import JSON
import JSONRPC
import SQLiteStore
import Storage
import Support
import TestSupport
import Testing

/// A store in a fresh directory, with helpers that run repository calls like the server does.
final class CompanyFixture: @unchecked Sendable {
    let dir = TemporaryDirectory()
    let store: any DataStore

    init() throws { store = try Engines.open(dir.database()) }
    deinit { store.close() }

    func write(
        _ action: String, _ body: @escaping @Sendable (WriteContext) throws -> JSONValue
    ) async throws -> JSONValue {
        try await store.write { db in try body(WriteContext(db: db, actor: "tester", action: action)) }
    }
    func create(_ fields: JSONObject) async throws -> JSONValue {
        try await write("companies.create") { try CompanyRepository.create($0, fields: fields) }
    }
    func list(_ params: JSONValue) async throws -> JSONValue {
        try await store.read { db in try CompanyRepository.list(db, try CompanyListQuery(params: params)).json }
    }
    /// Every page of `companies.list` with `filter`, following `nextCursor`: the ids in order, and each page's
    /// total (nil without `includeTotal`).
    func listAll(
        _ filter: JSONObject, limit: Int, includeTotal: Bool = true
    ) async throws -> (ids: [String], totals: [JSONValue?]) {
        var ids: [String] = []
        var totals: [JSONValue?] = []
        var cursor: JSONValue = .null
        repeat {
            var params: JSONObject = ["filter": .object(filter), "limit": .number(.int(Int64(limit)))]
            if includeTotal { params["includeTotal"] = true }
            if !cursor.isNull { params["cursor"] = cursor }
            let page = try await list(.object(params))
            totals.append(page["total"])
            ids += (page["items"]?.arrayValue ?? []).map(\.recordID)
            cursor = page["nextCursor"] ?? .null
        } while !cursor.isNull
        return (ids, totals)
    }
}

func rpcError(_ body: () async throws -> Any) async -> DomainError? {
    do { _ = try await body() } catch { return error as? DomainError }
    return nil
}

struct TaxIDTests {
    @Test func innChecksums() {
        #expect(TaxIDs.isValidINN("7707083893"))  // legal entity
        #expect(TaxIDs.isValidINN("500100732259"))  // individual
        #expect(TaxIDs.isValidINN("7707083894") == false)
        #expect(TaxIDs.isValidINN("500100732250") == false)
        #expect(TaxIDs.isValidINN("770708389") == false)
    }

    @Test func ogrnChecksums() {
        #expect(TaxIDs.isValidOGRN("1027700132195"))  // OGRN, mod 11
        #expect(TaxIDs.isValidOGRN("1027700132196") == false)
        #expect(TaxIDs.isValidOGRN("304500116000157"))  // OGRNIP, mod 13
        #expect(TaxIDs.isValidOGRN("304500116000158") == false)
    }
}
