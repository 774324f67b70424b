import Foundation

/// A program run to completion by a test: its exit status, stdout and stderr.
public enum Command {
    public struct Result: Sendable {
        public let status: Int32
        public let data: Data
        public let err: String
        public var out: String { String(decoding: data, as: UTF8.self) }
    }

    /// Runs `executable` with `args`, feeding `stdin` (then EOF) when given.
    public static func run(_ executable: String, _ args: [String], stdin: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, data: o, err: String(decoding: e, as: UTF8.self))
    }

    /// Runs the built `exportdesk`.
    public static func exportdesk(_ args: [String], stdin: String? = nil) throws -> Result {
        try run(RepositoryPaths.exportdesk, args, stdin: stdin)
    }
}
