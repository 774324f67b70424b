import JSONRPC
import SQLiteStore

/// What a write knows while it runs inside the writer's transaction: the connection, who asked, the method
/// that caused it, and one timestamp for the whole change.
public struct WriteContext {
    public let db: Connection
    public let actor: String
    public let action: String
    public let now: String
    public let nowMillis: Int64

    public init(db: Connection, actor: String, action: String, nowMillis: Int64 = WallClock.nowMillis) {
        self.db = db
        self.actor = actor
        self.action = action
        self.nowMillis = nowMillis
        self.now = WallClock.rfc3339(nowMillis)
    }
}
