import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open POSIX file descriptor, closed when released. Every call checks its result and
/// reports failures as `OCIError(.io)` naming the path.
final class OpenFile {
    let descriptor: Int32
    let path: String

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Opens `name` relative to `directory` (or the working directory) with `flags`;
    /// nil when it does not exist. A symlink refused by `O_NOFOLLOW` is `.refused`.
    static func open(_ name: String, relativeTo directory: OpenFile? = nil, flags: Int32, mode: mode_t = 0o644,
                     displayPath: String) throws -> OpenFile? {
        let fd = retryOnInterrupt { openat(directory?.descriptor ?? AT_FDCWD, name, flags | O_CLOEXEC, mode) }
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT { return nil }
            if code == ELOOP && flags & O_NOFOLLOW != 0 {
                throw OCIError(.refused, "\(displayPath) is a symbolic link; refused")
            }
            if code == ENOTDIR && flags & O_DIRECTORY != 0 {
                throw OCIError(.refused, "\(displayPath) is not a directory; refused")
            }
            throw ioError("cannot open \(displayPath)", code)
        }
        return OpenFile(descriptor: fd, path: displayPath)
    }

    /// Opens an existing regular file for reading without following a final symlink and
    /// without blocking on a FIFO; nil when it does not exist.
    static func openRegularFile(_ name: String, relativeTo directory: OpenFile? = nil, displayPath: String) throws -> OpenFile? {
        guard let file = try open(name, relativeTo: directory, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK, displayPath: displayPath) else {
            return nil
        }
        guard try file.status().isRegularFile else {
            throw OCIError(.refused, "\(displayPath) is not a regular file; refused")
        }
        return file
    }

    /// Opens a directory without following a symlink; nil when it does not exist.
    static func openDirectory(_ name: String, relativeTo directory: OpenFile? = nil, displayPath: String) throws -> OpenFile? {
        try open(name, relativeTo: directory, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW, displayPath: displayPath)
    }

    struct Status {
        let size: Int64
        let isRegularFile: Bool
    }

    func status() throws -> Status {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw OpenFile.ioError("cannot stat \(path)", errno) }
        return Status(size: Int64(info.st_size), isRegularFile: info.st_mode & S_IFMT == S_IFREG)
    }

    /// Reads up to `buffer.count` bytes; 0 at end of file.
    func readChunk(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = OpenFile.retryOnInterrupt { read(descriptor, buffer.baseAddress, buffer.count) }
        guard count >= 0 else { throw OpenFile.ioError("cannot read \(path)", errno) }
        return count
    }

    /// Reads from the start of the file at offset 0 without moving the file position.
    func readPrefix(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = OpenFile.retryOnInterrupt { pread(descriptor, buffer.baseAddress, buffer.count, 0) }
        guard count >= 0 else { throw OpenFile.ioError("cannot read \(path)", errno) }
        return count
    }

    /// Reads the whole file; more than `limit` bytes is `.refused`.
    func readAll(limit: Int) throws -> Data {
        var data = Data()
        let chunk = 64 << 10
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try readChunk(into: $0) }
            if count == 0 { return data }
            guard data.count + count <= limit else {
                throw OCIError(.refused, "\(path) is over the \(limit)-byte limit")
            }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    func writeAll(_ buffer: UnsafeRawBufferPointer) throws {
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let count = OpenFile.retryOnInterrupt { write(descriptor, base + offset, buffer.count - offset) }
            guard count > 0 else { throw OpenFile.ioError("cannot write \(path)", errno) }
            offset += count
        }
    }

    func writeAll(_ data: Data) throws {
        try data.withUnsafeBytes { try writeAll($0) }
    }

    /// Flushes the file (or directory entry changes) to stable storage.
    func sync() throws {
        guard fsync(descriptor) == 0 else { throw OpenFile.ioError("cannot fsync \(path)", errno) }
    }

    static func ioError(_ context: String, _ code: Int32) -> OCIError {
        OCIError(.io, "\(context): \(String(cString: strerror(code)))")
    }

    static func retryOnInterrupt<T: BinaryInteger>(_ call: () -> T) -> T {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}

extension OpenFile {
    /// Creates a new, uniquely named file `<directory>/<prefix>XXXXXX` for writing (mode 0644).
    static func createTemporary(in directory: String, prefix: String) throws -> OpenFile {
        var template = Array("\(directory)/\(prefix)XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { buffer in
            mkstemp(buffer.baseAddress!)
        }
        guard fd >= 0 else { throw ioError("cannot create a temporary file in \(directory)", errno) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        let file = OpenFile(descriptor: fd, path: path)
        guard fchmod(fd, 0o644) == 0 else { throw ioError("cannot set the mode of \(path)", errno) }
        return file
    }

    /// Makes `path` a directory if it is not one yet; a symlink or other file there is refused.
    static func ensureDirectory(_ path: String) throws {
        if mkdir(path, 0o755) == 0 { return }
        let code = errno
        guard code == EEXIST else { throw ioError("cannot create directory \(path)", code) }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw ioError("cannot stat \(path)", errno) }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw OCIError(.refused, "\(path) is not a directory (or is a symbolic link); refused")
        }
    }

    /// Renames `source` over `destination` atomically.
    static func moveAtomically(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else {
            throw ioError("cannot rename \(source) to \(destination)", errno)
        }
    }

    /// Removes a file, ignoring one that is already gone.
    static func remove(_ path: String) {
        _ = unlink(path)
    }

    /// Flushes the entries of directory `path` (after a rename into it).
    static func syncDirectory(_ path: String) throws {
        guard let directory = try openDirectory(path, displayPath: path) else {
            throw OCIError(.io, "directory \(path) disappeared")
        }
        try directory.sync()
    }
}
