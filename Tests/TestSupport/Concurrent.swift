import ExportDeskClient
import Foundation
import JSON
import JSONRPC
import Synchronization

/// Calls raced from many threads, each on its own connection: what each one answered, as "ok" or the
/// error's reason. The race tests of one server and of several instances share it.
public enum Concurrent {
    public static func outcomes(
        _ count: Int, timeout: Double = 60, connect: @escaping @Sendable (Int) throws -> RPCConnection,
        call: @escaping @Sendable (Int, RPCConnection) throws -> Void
    ) -> [String] {
        let outcomes = Mutex<[String]>([])
        let threads = (0..<count).map { i in
            Thread {
                let outcome: String
                do {
                    try call(i, try connect(i))
                    outcome = "ok"
                } catch let e as RPCError {
                    outcome = e.reason
                } catch {
                    outcome = "\(error)"
                }
                outcomes.withLock { $0.append(outcome) }
            }
        }
        threads.forEach { $0.start() }
        let deadline = Date().addingTimeInterval(timeout)
        while outcomes.withLock({ $0.count }) < count && Date() < deadline { usleep(10_000) }
        return outcomes.withLock { $0 }
    }

    /// An open event with one place and `applicants` companies applied to it: the event and the applications.
    public static func eventWithOnePlace(
        _ c: RPCConnection, applicants: Int = 20
    ) throws -> (event: JSONValue, applications: [JSONValue]) {
        let ev = try c.call(
            "events.create",
            [
                "kind": "exhibition", "title": "Canton Fair", "country": "CN", "startsOn": "2099-04-15",
                "endsOn": "2099-04-19", "capacity": 1,
            ])["id"]!
        _ = try c.call("events.open", ["id": ev])
        var applications: [JSONValue] = []
        for i in 0..<applicants {
            let company = try c.call("companies.create", ["name": .string("Участник \(i)")])["id"]!
            applications.append(try c.call("participations.apply", ["eventId": ev, "companyId": company])["id"]!)
        }
        return (ev, applications)
    }
}
