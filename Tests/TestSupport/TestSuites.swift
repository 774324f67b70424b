import Foundation
import Testing

/// Where the shared public test data lives: `$EXPORTDESK_TESTSUITES`, else `../shared/testsuites` beside the checkout.
public enum TestSuites {
    public static let root: String? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["EXPORTDESK_TESTSUITES"], !env.isEmpty {
            return fm.fileExists(atPath: env) ? env : nil
        }
        let candidate = URL(fileURLWithPath: RepositoryPaths.root).deletingLastPathComponent()
            .appendingPathComponent("shared/testsuites").path
        return fm.fileExists(atPath: candidate) ? candidate : nil
    }()

    public static var available: Bool { root != nil }

    public static let skipReason: Comment =
        "shared test suites not found: set EXPORTDESK_TESTSUITES or place ../shared/testsuites beside the checkout"

    public static func path(_ relative: String) -> String { (root ?? "/nonexistent") + "/" + relative }

    public static func read(_ relative: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path(relative)))
    }
}

/// Paths of the repository and of the built binaries, found from this file and the test bundle.
public enum RepositoryPaths {
    public static let root: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    /// The directory of the running test bundle, where SwiftPM puts the executables of the same build.
    public static let buildDirectory: String = {
        let exe =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        // Inside an .xctest bundle on Linux the binary sits directly in the build directory.
        while url.path != "/" && url.lastPathComponent.hasSuffix(".xctest") { url = url.deletingLastPathComponent() }
        return url.path
    }()

    public static var exportdesk: String { buildDirectory + "/exportdesk" }
}
