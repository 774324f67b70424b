import ExportDeskCore
import ExportDeskServer
import Foundation
import SQLiteStore
import Storage

/// `exportdesk token create --role R --label L [--institution ID] [--company ID] [--expires-at T] [--db PATH]`:
/// issues a token offline (the first admin token) and prints only the secret.
enum TokenCommand {
    static func run(_ args: ArraySlice<String>) throws -> Int32 {
        let a = try Arguments(args, valued: ["role", "label", "institution", "company", "expires-at", "db"], flags: [])
        guard a.positionals == ["create"] else {
            throw Arguments.UsageError(description: "usage: exportdesk token create --role ROLE --label TEXT …")
        }
        guard let roleName = a.value("role"), let role = Role(rawValue: roleName) else {
            throw Arguments.UsageError(
                description: "--role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let label = a.value("label") ?? "issued with exportdesk token create"
        let path = a.value("db") ?? ProcessInfo.processInfo.environment["EXPORTDESK_DB"] ?? "./exportdesk.sqlite"
        do {
            let store = try Engines.open(path)
            defer { store.close() }
            let secret = try waitFor {
                try await store.write { db in
                    try TokenRepository.create(
                        WriteContext(db: db, actor: "local:cli", action: "tokens.create"), role: role,
                        institutionID: a.value("institution"), companyID: a.value("company"),
                        label: label, expiresAt: a.value("expires-at")
                    ).1
                }
            }
            print(secret)
            return 0
        } catch {
            printError("exportdesk: cannot create the token: \(error)")
            return 1
        }
    }
}
