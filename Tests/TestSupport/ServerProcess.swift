import ExportDeskClient
import Foundation
import JSON

/// A running `exportdesk serve` started by a test; stopped (SIGTERM) when the test is done with it.
public final class ServerProcess: @unchecked Sendable {
    public let process = Process()
    public let socketPath: String?
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    public let directory: TemporaryDirectory
    private let stderrLock = NSLock()
    private var stderrData = Data()

    public struct LaunchError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Starts the server. With `socket: true` it listens on a socket in a fresh directory and this waits until
    /// it accepts connections; `stdio: true` serves on the pipes this object holds.
    public init(
        socket: Bool = true, stdio: Bool = false, arguments: [String] = [],
        directory: TemporaryDirectory = TemporaryDirectory(),
        socketName: String = "s.sock"
    ) throws {
        self.directory = directory
        let path = socket ? directory.file(socketName) : nil
        socketPath = path
        guard FileManager.default.isExecutableFile(atPath: RepositoryPaths.exportdesk) else {
            throw LaunchError(description: "no built binary at \(RepositoryPaths.exportdesk); run `swift build` first")
        }
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.exportdesk)
        var args = ["serve", "--log-level", "debug", "--validate-results", "--db", directory.database()]
        if let path { args += ["--socket", path] }
        if stdio { args.append("--stdio") }
        process.arguments = args + arguments
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self else { return }
            self.stderrLock.lock()
            self.stderrData.append(chunk)
            self.stderrLock.unlock()
        }
        try process.run()
        if let path {
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if (try? RPCConnection(socketPath: path)) != nil { return }
                if !process.isRunning { break }
                usleep(10_000)
            }
            throw LaunchError(description: "server did not start listening on \(path); stderr:\n\(stderr)")
        }
    }

    /// Everything the server wrote to stderr so far.
    public var stderr: String {
        stderrLock.lock()
        defer { stderrLock.unlock() }
        return String(decoding: stderrData, as: UTF8.self)
    }

    /// Waits until the server's stderr contains `text` (stderr is collected asynchronously).
    public func stderrEventuallyContains(_ text: String, timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            usleep(10_000)
        }
        return stderr.contains(text)
    }

    /// A new client connection to the server's socket.
    public func connect(framing: RPCConnection.Framing = .newlineDelimited) throws -> RPCConnection {
        try RPCConnection(socketPath: socketPath!, framing: framing)
    }

    /// The client side of the stdio transport. Closing it sends EOF to the server.
    public func stdioConnection(framing: RPCConnection.Framing = .newlineDelimited) -> RPCConnection {
        RPCConnection(
            readFD: dup(stdoutPipe.fileHandleForReading.fileDescriptor),
            writeFD: dup(stdinPipe.fileHandleForWriting.fileDescriptor), framing: framing)
    }

    /// Closes the server's stdin from this side (EOF for a stdio server).
    public func closeStdin() { try? stdinPipe.fileHandleForWriting.close() }

    /// Sends a signal and waits for the process to exit; returns its exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 20) -> Int32? {
        if process.isRunning { kill(process.processIdentifier, signal) }
        return waitForExit(timeout: timeout)
    }

    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        guard !process.isRunning else { return nil }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        stderrPipe.fileHandleForReading.readabilityHandler = nil
        // An engine error the server took for a bug (answered INTERNAL) is shown, so that a failing test
        // says why without a rerun.
        for line in stderr.split(separator: "\n") where line.contains("database error") {
            print("server: \(line.prefix(600))")
        }
    }
}
