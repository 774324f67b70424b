import Dispatch
import ExportDeskCore
import ExportDeskSchemas
import JSON
import JSONRPC
import Storage
import Support
import Synchronization

/// Live change feed (SPEC §7): `changes.subscribe` registers a subscriber on its connection; after every
/// committed write the hub reads the new change-log rows once and hands each subscriber the ones its caller
/// may see, as `changes.notify` notifications in `seq` order.
///
/// Each subscriber has its own queue of waiting notifications and its own pump, which hands them to the
/// connection only while the connection's unsent output is small. A subscriber that does not read therefore
/// fills only its own queue; at `maxWaiting` it is cut off (connection closed, logged), so one slow client
/// can neither stall the others nor make the server grow without bound.
final class ChangeHub: @unchecked Sendable {
    /// Notifications allowed to wait for one subscriber before it is cut off (SPEC §7).
    let maxWaiting: Int
    /// Unsent bytes on a connection above which its pump waits for the peer to read.
    let outputHighWater = 256 * 1024

    private unowned let state: ServerState
    private let subscribers = Mutex<[String: Subscriber]>([:])
    /// How many subscriptions exist, read without a lock on every commit.
    private let active = Atomic<Int>(0)
    private let nextID = Atomic<Int>(1)
    private let dispatchQueue = DispatchQueue(label: "exportdesk.changes.dispatch")
    private let scheduled = Atomic<Bool>(false)

    init(state: ServerState, maxWaiting: Int = 10_000) {
        self.state = state
        self.maxWaiting = maxWaiting
    }

    /// Registers a subscription for the caller on `session`, starting after `from` (a feed cursor), or after
    /// the newest committed change. A cursor more than `maxWaiting` changes behind is refused: the catch-up
    /// would fill the queue at once, so the caller pages with changes.list first.
    /// The subscriber is held until `release()`: the caller releases it once the subscribe answer is out.
    func subscribe(
        session: RPCSession, entities: Set<String>?, from: Int64? = nil, store: any DataStore
    ) throws -> Subscriber {
        let newest = try store.readNow { db in try db.scalar("SELECT coalesce(max(seq), 0) FROM changes") ?? 0 }
        if let from, newest - from > Int64(maxWaiting) {
            throw RPCError.invalidParams(
                path: "/since", keyword: "maximum",
                "is \(newest - from) changes behind (more than \(maxWaiting)); page with changes.list from it first, then subscribe with its nextCursor"
            )
        }
        let since = min(from ?? newest, newest)
        let id = "sub-\(nextID.add(1, ordering: .relaxed).oldValue)"
        let subscriber = Subscriber(id: id, session: session, entities: entities, cursor: since, hub: self)
        subscribers.withLock { subs in
            subs[id] = subscriber
            active.store(subs.count, ordering: .relaxed)
        }
        session.onClose { [weak self] in self?.remove(session: session) }
        poke()
        return subscriber
    }

    /// Ends a subscription of this session; false when it has none by that id.
    func unsubscribe(id: String, session: RPCSession) -> Bool {
        subscribers.withLock { subs in
            guard let s = subs[id], s.session === session else { return false }
            subs[id] = nil
            active.store(subs.count, ordering: .relaxed)
            s.stop()
            return true
        }
    }

    private func remove(session: RPCSession) {
        let gone = subscribers.withLock { subs -> [Subscriber] in
            let mine = subs.values.filter { $0.session === session }
            for s in mine { subs[s.id] = nil }
            active.store(subs.count, ordering: .relaxed)
            return mine
        }
        for s in gone { s.stop() }
    }

    var count: Int { subscribers.withLock { $0.count } }

    /// Called after every committed write: schedules one pass over the new changes (passes coalesce).
    func poke() {
        guard active.load(ordering: .relaxed) > 0, !scheduled.exchange(true, ordering: .acquiringAndReleasing) else {
            return
        }
        dispatchQueue.async { [self] in
            scheduled.store(false, ordering: .releasing)
            dispatch()
        }
    }

    /// Reads the changes after the furthest-behind subscriber's cursor, in chunks, and fans them out.
    private func dispatch() {
        guard let store = state.store else { return }
        while true {
            let subs = subscribers.withLock { Array($0.values) }
            guard let from = subs.map(\.cursor).min() else { return }
            do {
                let more = try store.readNow { db -> Bool in
                    let rows = try ChangeLog.entries(db, since: from, entities: nil, limit: 1000) { _, _ in true }.items
                    for subscriber in subs { try deliver(rows, to: subscriber, db) }
                    return rows.count == 1000
                }
                if !more { return }
            } catch {
                Log.warn("change feed: cannot read new changes: \(error)")
                return
            }
        }
    }

    private func deliver(_ rows: [Records.ChangeEntry], to subscriber: Subscriber, _ db: any SQLDatabase) throws {
        // The session's current identity: a revoked or expired token ends its subscriptions.
        guard let principal = RequestContext.principal(of: subscriber.session),
            principal.tokenID.map({ state.access.isValid(tokenID: $0) }) ?? true
        else {
            Log.info("change feed: \(subscriber.id) on \(subscriber.session.label) ended: its token is no longer valid")
            _ = unsubscribe(id: subscriber.id, session: subscriber.session)
            return
        }
        for row in rows {
            guard row.seq > subscriber.cursor else { continue }
            subscriber.cursor = row.seq
            if let only = subscriber.entities, !only.contains(row.entity) { continue }
            guard try ChangeMethods.visible(entity: row.entity, id: row.id, to: principal, db) else { continue }
            let change = AccessPolicy(principal).present(change: row).json
            if !subscriber.enqueue(["subscriptionId": .string(subscriber.id), "change": change]) {
                Log.warn(
                    "change feed: \(subscriber.id) on \(subscriber.session.label) cut off: \(maxWaiting) notifications waiting unread; closing the connection"
                )
                _ = unsubscribe(id: subscriber.id, session: subscriber.session)
                subscriber.session.output.close()
                return
            }
        }
    }

    /// One subscription: its filter, how far the hub has read for it, and the notifications waiting for it.
    final class Subscriber: @unchecked Sendable {
        let id: String
        let session: RPCSession
        let entities: Set<String>?
        /// Touched only on the hub's dispatch queue.
        var cursor: Int64
        private unowned let hub: ChangeHub
        private let queue: DispatchQueue
        /// Where the subscription started: the feed cursor its first notification follows.
        let since: Int64
        private struct Waiting {
            var items: [JSONValue] = []
            var head = 0
            var pumping = false
            var stopped = false
            /// Notifications wait (and count) but are not sent until the subscribe answer is out.
            var held = true
            var count: Int { items.count - head }
        }
        private let waiting = Mutex(Waiting())

        init(id: String, session: RPCSession, entities: Set<String>?, cursor: Int64, hub: ChangeHub) {
            self.id = id
            self.session = session
            self.entities = entities
            self.cursor = cursor
            self.since = cursor
            self.hub = hub
            queue = DispatchQueue(label: "exportdesk.changes.\(id)")
        }

        /// Queues a notification; false when the subscriber already has `maxWaiting` waiting.
        func enqueue(_ params: JSONValue) -> Bool {
            let (accepted, start) = waiting.withLock { w -> (Bool, Bool) in
                if w.stopped { return (true, false) }
                if w.count >= hub.maxWaiting { return (false, false) }
                w.items.append(params)
                if w.pumping || w.held { return (true, false) }
                w.pumping = true
                return (true, true)
            }
            if start { queue.async { self.pump() } }
            return accepted
        }

        /// Lets notifications flow (called once the subscribe answer has been sent).
        func release() {
            let start = waiting.withLock { w -> Bool in
                w.held = false
                guard !w.pumping, w.head < w.items.count, !w.stopped else { return false }
                w.pumping = true
                return true
            }
            if start { queue.async { self.pump() } }
        }

        func stop() {
            waiting.withLock { w in
                w.stopped = true
                w.items = []
                w.head = 0
            }
        }

        /// Hands waiting notifications to the connection while its unsent output stays under the high-water
        /// mark; otherwise looks again shortly.
        private func pump() {
            while true {
                if session.output.queuedBytes > hub.outputHighWater {
                    queue.asyncAfter(deadline: .now() + .milliseconds(5)) { self.pump() }
                    return
                }
                let next = waiting.withLock { w -> JSONValue? in
                    guard !w.stopped, w.head < w.items.count else {
                        w.pumping = false
                        return nil
                    }
                    let item = w.items[w.head]
                    w.head += 1
                    if w.head > 4096 && w.head * 2 > w.items.count {
                        w.items.removeFirst(w.head)
                        w.head = 0
                    }
                    return item
                }
                guard let next else { return }
                session.notify(method: "changes.notify", params: next)
            }
        }
    }
}
