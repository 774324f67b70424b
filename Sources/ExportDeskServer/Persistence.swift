import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage
import Support

/// How handlers reach the database: reads on the reader pool, writes group-committed through the writer
/// with `idempotencyKey` handled in the same transaction, storage failures mapped to SPEC §2 errors.
struct Persistence: Sendable {
    let state: ServerState

    private var store: any DataStore {
        get throws {
            guard let store = state.store else { throw RPCError.storageUnavailable("no database is open") }
            return store
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) throws -> T) async throws -> T {
        do {
            return try await store.read(body)
        } catch {
            throw Self.map(error)
        }
    }

    /// A bounded-time read (a lookup by key) on the calling I/O thread.
    func readNow<T>(_ body: (any SQLDatabase) throws -> T) throws -> T {
        do {
            return try store.readNow(body)
        } catch {
            throw Self.map(error)
        }
    }

    /// Runs a write; `params` arrive validated and are what `idempotencyKey` (taken out first) is checked
    /// against. A repeated key answers the stored result, read back as the method's result type.
    func write<Result: MethodResult>(
        _ context: RequestContext, _ params: JSONValue,
        _ body: @escaping @Sendable (WriteContext) throws -> Result
    ) async throws -> Result {
        var fields = params.objectValue ?? JSONObject()
        let key = fields["idempotencyKey"]?.stringValue
        fields["idempotencyKey"] = nil
        let actor = context.session.actor
        let action = context.method
        let principal = context.principal.flatMap { $0.seesEverything ? nil : $0 }
        let cleaned = JSONValue.object(fields)
        do {
            let result = try await store.write { db in
                let ctx = WriteContext(db: db, actor: actor, action: action, principal: principal)
                if let key, let earlier = try Idempotency.lookup(ctx, key: key, params: cleaned) {
                    return try TypedRecords.decode(Result.self, earlier)
                }
                let result = try body(ctx)
                if let key { try Idempotency.remember(ctx, key: key, params: cleaned, response: result.json) }
                return result
            }
            state.changeHub.poke()
            return result
        } catch {
            throw Self.map(error)
        }
    }

    /// A write whose result is not JSON (for example a token and its secret); no idempotency key.
    func writeValue<T: Sendable>(
        _ context: RequestContext, _ body: @escaping @Sendable (WriteContext) throws -> T
    ) async throws -> T {
        let actor = context.session.actor
        let action = context.method
        do {
            let result = try await store.write { db in try body(WriteContext(db: db, actor: actor, action: action)) }
            state.changeHub.poke()
            return result
        } catch {
            throw Self.map(error)
        }
    }

    /// Storage conditions become STORAGE_UNAVAILABLE with a clear message; a unique index that fires is
    /// DUPLICATE naming the field (the domain checks each key first to name the existing record too, so
    /// this is logged as a missed check); other engine errors are bugs.
    static func map(_ error: any Error) -> any Error {
        if error is StoreClosed { return RPCError.shuttingDown }
        guard let e = error as? any StorageFailure else { return error }
        if e.isStorageUnavailable { return RPCError.storageUnavailable(e.userMessage) }
        if let reason = e.unstorableValue { return RPCError.invalidParams(path: "", keyword: "pattern", reason) }
        Log.error("database error: \(e)")
        if let field = e.uniqueField {
            return DomainError.duplicate(field: field, existingId: nil, "another record already has this \(field)")
        }
        return RPCError.internalError
    }
}

/// The domain's errors go out as they are: the catalogue already holds their codes and data.
extension DomainError: RPCErrorConvertible {
    public var rpcError: RPCError { RPCError(code: code, reason: reason, message: message, data: data) }
}
