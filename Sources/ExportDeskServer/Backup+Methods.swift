import ExportDeskCore
import ExportDeskSchemas
import Foundation
import JSON
import JSONRPC
import Storage
import Synchronization

/// `system.backup {path}`: a consistent copy of the database via SQLite's online backup API, taken while
/// writes go on, with `$/progress` when a progressToken is given.
struct BackupMethods {
    let state: ServerState

    func register(in registry: inout MethodSet) {
        let state = self.state
        registry.register("system.backup", Params.SystemBackup.self, access: .adminOnly, effect: .write) { ctx, p in
            guard let store = state.store else { throw RPCError.storageUnavailable("no database is open") }
            let path = p.path
            guard !FileManager.default.fileExists(atPath: path) else {
                throw RPCError.invalidParams(
                    path: "/path", keyword: "exists",
                    "already exists; choose a new file (a backup never overwrites)")
            }
            let token = p.progressToken?.json
            // Cancelling ($/cancelRequest) stops the copy between steps and leaves no file.
            let cancelled = CancellationFlag()
            // The copy blocks, so it runs on its own thread, not the cooperative pool.
            let bytes: Int64 = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    Thread {
                        do {
                            try store.backup(
                                to: path,
                                progress: { done, total in
                                    ctx.progress(
                                        token: token, done: done, total: total, message: "pages copied")
                                },
                                isCancelled: { cancelled.isSet })
                            let size =
                                ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?
                                .int64Value ?? 0
                            continuation.resume(returning: size)
                        } catch let error as BackupError {
                            continuation.resume(throwing: RPCError.storageUnavailable(error.description))
                        } catch {
                            continuation.resume(throwing: Persistence.map(error))
                        }
                    }.start()
                }
            } onCancel: {
                cancelled.set()
            }
            return Results.SystemBackup(path: path, bytes: bytes)
        }
    }
}

/// Set once from a task's cancellation handler, read by the thread doing the work.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
