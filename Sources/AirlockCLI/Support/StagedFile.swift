import Foundation

/// A file written beside its destination under a temporary name (created with its final
/// mode, fsynced), moved into place only by `commit`, and removed if never committed.
final class StagedFile {
    let destination: String
    private let temporaryPath: String
    private var committed = false

    init(destination: String, mode: mode_t, contents: Data) throws {
        self.destination = destination
        let url = URL(fileURLWithPath: destination)
        let directory = url.deletingLastPathComponent().path
        let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        temporaryPath = URL(fileURLWithPath: directory).appendingPathComponent(".\(url.lastPathComponent).\(suffix).tmp").path
        let fd = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Self.failure("cannot write \(destination)") }
        var ok = contents.withUnsafeBytes { Self.writeAll(fd, $0) }
        ok = ok && fsync(fd) == 0
        let error = errno
        close(fd)
        guard ok else {
            unlink(temporaryPath)
            errno = error
            throw Self.failure("cannot write \(destination)")
        }
    }

    deinit {
        if !committed { unlink(temporaryPath) }
    }

    /// Moves the file into place. Without `overwrite`, an existing destination is an error
    /// (checked atomically with link(2), so a file created meanwhile is not replaced).
    func commit(overwrite: Bool) throws {
        if overwrite {
            guard rename(temporaryPath, destination) == 0 else { throw Self.failure("cannot write \(destination)") }
        } else {
            guard link(temporaryPath, destination) == 0 else {
                if errno == EEXIST { throw CommandFailure("\(destination) already exists; pass --force to overwrite it") }
                throw Self.failure("cannot write \(destination)")
            }
            unlink(temporaryPath)
        }
        committed = true
        Self.syncDirectory(of: destination)
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    private static func syncDirectory(of path: String) {
        let fd = open(URL(fileURLWithPath: path).deletingLastPathComponent().path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private static func failure(_ context: String) -> CommandFailure {
        CommandFailure("\(context): \(String(cString: strerror(errno)))")
    }
}
