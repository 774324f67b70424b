import JSONRPC
import RPCTransport

/// Why a call did not get an answer (as opposed to an `RPCError` answer from the server).
public enum RPCClientError: Error, CustomStringConvertible, Sendable {
    case cannotConnect(String, SystemError)
    case connectionClosed
    case timedOut(Double)
    case invalidResponse(String)
    case io(SystemError)

    public var description: String {
        switch self {
        case .cannotConnect(let path, let e): return "cannot connect to \(path): \(e)"
        case .connectionClosed: return "the server closed the connection"
        case .timedOut(let s): return "no answer within \(s) s"
        case .invalidResponse(let why): return "invalid response: \(why)"
        case .io(let e): return "\(e)"
        }
    }
}
