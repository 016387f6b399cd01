#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file written under a temporary name and moved into place whole by `commit(to:)`.
///
/// The temporary file is created in the destination's directory (or in another directory of
/// the same file system), exclusively (`O_EXCL`, never through a symbolic link) and with its
/// final mode from the start. `commit` fsyncs it, renames it over the destination (or links
/// it there, refusing an existing file), and fsyncs the destination's directory. A file that
/// is never committed is removed by `discard()` or when released.
public final class AtomicFile {
    /// The temporary file, open for writing; messages name it by its temporary path.
    public let file: OpenFile
    private let temporaryPath: String
    private var pending = true

    /// A temporary file `<directory>/<prefix><random>` with `mode`, less the umask unless
    /// `exactMode` (then `mode` exactly).
    public init(in directory: String, prefix: String, mode: mode_t = 0o644, exactMode: Bool = false) throws(FileSystemError) {
        var attempts = 0
        while true {
            let path = "\(directory)/\(prefix)\(String(UInt64.random(in: 0...UInt64.max), radix: 36))"
            do {
                file = try OpenFile.open(path, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: mode)
                temporaryPath = path
                break
            } catch where error.kind == .failed && error.code == EEXIST && attempts < 100 {
                attempts += 1
            } catch {
                throw error.kind == .failed ? FileSystemError(failedTo: "create a temporary file in", directory, code: error.code) : error
            }
        }
        guard !exactMode || fchmod(file.descriptor, mode) == 0 else {
            let code = errno
            discard()
            throw FileSystemError(failedTo: "set the mode of", temporaryPath, code: code)
        }
    }

    /// A temporary file `.<name>.airlock-<random>` beside `destination`.
    public convenience init(beside destination: String, mode: mode_t = 0o644, exactMode: Bool = false) throws(FileSystemError) {
        try self.init(in: FileSystem.directory(of: destination), prefix: ".\(FileSystem.lastComponent(of: destination)).airlock-",
                      mode: mode, exactMode: exactMode)
    }

    deinit { discard() }

    /// Makes the file durable and puts it at `destination`: over an existing file when
    /// `replacing`, else only if nothing is there (`.exists` otherwise, checked atomically by
    /// link(2), so a file created meanwhile is never replaced).
    public func commit(to destination: String, replacing: Bool = true) throws(FileSystemError) {
        try file.sync()
        if replacing {
            try FileSystem.move(temporaryPath, to: destination)
        } else {
            guard link(temporaryPath, destination) == 0 else {
                let code = errno
                if code == EEXIST { throw FileSystemError(.exists, destination) }
                throw FileSystemError(failedTo: "link \(temporaryPath) to", destination, code: code)
            }
            unlink(temporaryPath)
        }
        pending = false
        try FileSystem.syncDirectory(FileSystem.directory(of: destination))
    }

    /// Removes the temporary file now (nothing is done after `commit`).
    public func discard() {
        guard pending else { return }
        pending = false
        unlink(temporaryPath)
    }
}
