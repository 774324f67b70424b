import Foundation
import Synchronization

/// A fresh directory under /tmp for one test, with a short path (socket paths are limited to 107 bytes).
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String
    /// The PostgreSQL schemas handed out by `database(_:)`, by name.
    let databases = Mutex<[String: String]>([:])

    public init() {
        var template = Array("/tmp/edt-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }

    public func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
