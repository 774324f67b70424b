import Foundation

/// What the machine's python3 can import, for tests that use an independent Python implementation.
public enum Python {
    /// True when `python3 -c "import <modules>"` succeeds.
    public static func has(_ modules: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import \(modules)"]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}

/// Lines from a pipe, read as they come.
public final class LineReader {
    private let handle: FileHandle
    private var buffer = Data()
    public init(_ handle: FileHandle) { self.handle = handle }

    /// The next line without its newline; nil at EOF.
    public func next() -> String? {
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...nl)
                return line
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }
}
