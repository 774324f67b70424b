import Foundation
import Storage

#if canImport(Glibc)
import Glibc
#endif

/// The temporary file a backup is written to, beside its target, and the steps that put it in place
/// atomically: fsync the file, link it to the target (which fails rather than replace an existing file),
/// fsync the directory. Leftovers of a backup whose process died are removed by the next one.
struct BackupFile {
    let target: String
    let temporary: String

    /// Refuses a target that exists; clears stale temporaries of `target` left by processes that are gone.
    init(target: String) throws {
        self.target = target
        if access(target, F_OK) == 0 {
            throw BackupError(description: "\(target) already exists; a backup never overwrites")
        }
        let url = URL(fileURLWithPath: target)
        let directory = url.deletingLastPathComponent().path
        let prefix = "." + url.lastPathComponent + ".partial-"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix(prefix)
        {
            guard let pid = pid_t(name.dropFirst(prefix.count).prefix { $0.isNumber }) else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { Self.remove(directory + "/" + name) }
        }
        temporary = directory + "/" + prefix + "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Makes the finished temporary the target.
    func commit() throws {
        try Self.fsync(path: temporary, flags: O_RDONLY)
        guard link(temporary, target) == 0 else {
            let e = errno
            throw BackupError(description: "cannot put the backup at \(target): \(String(cString: strerror(e)))")
        }
        unlink(temporary)
        try Self.fsync(
            path: URL(fileURLWithPath: target).deletingLastPathComponent().path, flags: O_RDONLY | O_DIRECTORY)
    }

    /// Removes the temporary (and its journal) if it is still there.
    func discard() { Self.remove(temporary) }

    private static func remove(_ path: String) {
        unlink(path)
        unlink(path + "-journal")
    }

    private static func fsync(path: String, flags: Int32) throws {
        let fd = open(path, flags | O_CLOEXEC)
        guard fd >= 0 else {
            throw BackupError(description: "cannot open \(path) to sync it: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        guard Glibc.fsync(fd) == 0 else {
            throw BackupError(description: "cannot sync \(path): \(String(cString: strerror(errno)))")
        }
    }
}
