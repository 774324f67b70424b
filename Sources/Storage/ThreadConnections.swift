import Glibc
import Synchronization

/// The I/O threads' own read connections to one store (`readNow`), each found by its thread through a
/// pthread key (a Foundation thread dictionary, with its string key and bridging, cost more than the lookup
/// by primary key itself), and all closed with the store.
public final class ThreadConnections: @unchecked Sendable {
    /// `nil` once closed.
    private let boxes = Mutex<[ConnectionBox]?>([])
    /// This store's number among the stores of the process, never reused: the key of a thread's connection.
    private let number = ThreadConnections.opened.add(1, ordering: .relaxed).newValue
    private static let opened = Atomic<Int>(0)

    public init() {}

    /// Runs `body` with the calling thread's connection, opening it with `open` the first time.
    public func with<T>(open: () throws -> any SQLDatabase, _ body: (any SQLDatabase) throws -> T) throws -> T {
        let mine = ThreadBoxes.current
        if let box = mine.boxes[number], !box.closed { return try body(box.connection) }
        let box = ConnectionBox(try open())
        let isOpen = boxes.withLock { list -> Bool in
            guard list != nil else { return false }
            list!.append(box)
            return true
        }
        guard isOpen else {
            box.close()
            throw StoreClosed()
        }
        mine.boxes[number] = box
        return try body(box.connection)
    }

    /// Closes every thread's connection; false when they were closed already. Call when no request runs.
    public func closeAll() -> Bool {
        guard
            let list = boxes.withLock({ b -> [ConnectionBox]? in
                defer { b = nil }
                return b
            })
        else { return false }
        for box in list { box.close() }
        return true
    }
}

/// The connections of one thread, by store number, in a pthread key of the process.
final class ThreadBoxes {
    var boxes: [Int: ConnectionBox] = [:]
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        // Released when its thread ends.
        pthread_key_create(&key) { raw in if let raw { Unmanaged<ThreadBoxes>.fromOpaque(raw).release() } }
        return key
    }()

    static var current: ThreadBoxes {
        if let raw = pthread_getspecific(key) { return Unmanaged<ThreadBoxes>.fromOpaque(raw).takeUnretainedValue() }
        let mine = ThreadBoxes()
        pthread_setspecific(key, Unmanaged.passRetained(mine).toOpaque())
        return mine
    }
}

/// A thread's own read connection.
final class ConnectionBox: @unchecked Sendable {
    let connection: any SQLDatabase
    private let isClosed = Atomic<Bool>(false)
    init(_ connection: any SQLDatabase) { self.connection = connection }
    var closed: Bool { isClosed.load(ordering: .acquiring) }
    /// Called by `closeAll` when no request runs any more, so the owning thread no longer uses it.
    func close() {
        isClosed.store(true, ordering: .releasing)
        connection.close()
    }
}
