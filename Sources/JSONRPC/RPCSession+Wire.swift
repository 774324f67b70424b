import JSON

#if canImport(Glibc)
import Glibc
#endif

/// The bytes of answers and notifications, written straight into the output buffer (no intermediate
/// JSONValue for the envelope).
extension RPCSession {
    static let resultPrefix = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
    static let resultMember = Array(#","result":"#.utf8)
    static let errorMember = Array(#","error":"#.utf8)
    static let notificationPrefix = Array(#"{"jsonrpc":"2.0","method":"#.utf8)
    static let paramsMember = Array(#","params":"#.utf8)

    public static func resultBody(id: JSONValue, _ result: JSONValue) -> [UInt8] {
        resultBody(id: id, .value(result))
    }

    public static func resultBody(id: JSONValue, _ answer: RPCAnswer) -> [UInt8] {
        var w = JSONWriter(capacity: 64)
        w.writeRaw(resultPrefix)
        w.write(id)
        w.writeRaw(resultMember)
        switch answer {
        case .value(let result): w.write(result)
        case .serialized(let bytes): w.writeRaw(bytes)
        }
        w.writeRaw([UInt8(ascii: "}")])
        return w.bytes
    }

    public static func errorBody(id: JSONValue, _ error: RPCError) -> [UInt8] {
        var w = JSONWriter(capacity: 128)
        w.writeRaw(resultPrefix)
        w.write(id)
        w.writeRaw(errorMember)
        w.write(error.json)
        w.writeRaw([UInt8(ascii: "}")])
        return w.bytes
    }

    static func joinArray(_ bodies: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (i, b) in bodies.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: b)
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}

extension DecodingError {
    /// A decoding failure as the -32602 of SPEC §2, naming the field by JSON Pointer.
    public var asInvalidParams: RPCError {
        func pointer(_ path: [any CodingKey]) -> String {
            path.map { "/" + JSONPointer.escape($0.stringValue) }.joined()
        }
        switch self {
        case .keyNotFound(let key, let ctx):
            return .invalidParams(
                path: pointer(ctx.codingPath.dropLast()), keyword: "required",
                "must have required property '\(key.stringValue)'")
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return .invalidParams(path: pointer(ctx.codingPath), keyword: "type", ctx.debugDescription)
        case .dataCorrupted(let ctx):
            return .invalidParams(path: pointer(ctx.codingPath), keyword: "format", ctx.debugDescription)
        @unknown default:
            return .invalidParams(path: "", keyword: "type", "is not valid")
        }
    }
}
