import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open POSIX file descriptor (`O_CLOEXEC`), closed when released. Every call checks its
/// result, retries on `EINTR`, and throws `FileSystemError` naming the file.
public final class OpenFile {
    /// The descriptor, for calls this type does not wrap (it stays owned by this object).
    public let descriptor: Int32
    /// How the file is named in messages: its path as given, or the caller's display name.
    public let name: String

    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    deinit { close(descriptor) }

    /// Opens `path` (relative to `directory` when given) with open(2) `flags`. With
    /// `O_NOFOLLOW` a symbolic link is `.symbolicLink`; with `O_DIRECTORY` anything but a
    /// directory is `.notDirectory`.
    public static func open(_ path: String, relativeTo directory: OpenFile? = nil, flags: Int32, mode: mode_t = 0o644,
                            name: String? = nil) throws(FileSystemError) -> OpenFile {
        let name = name ?? path
        let fd = retryingOnInterrupt { openat(directory?.descriptor ?? AT_FDCWD, path, flags | O_CLOEXEC, mode) }
        guard fd >= 0 else {
            let code = errno
            if code == ELOOP && flags & O_NOFOLLOW != 0 { throw FileSystemError(.symbolicLink, name) }
            if code == ENOTDIR && flags & O_DIRECTORY != 0 { throw FileSystemError(.notDirectory, name) }
            throw FileSystemError(failedTo: "open", name, code: code)
        }
        return OpenFile(descriptor: fd, name: name)
    }

    /// Opens an existing regular file for reading, without following a final symbolic link
    /// and without blocking on a FIFO.
    public static func openRegularFile(_ path: String, relativeTo directory: OpenFile? = nil,
                                       name: String? = nil) throws(FileSystemError) -> OpenFile {
        let file = try open(path, relativeTo: directory, flags: O_RDONLY | O_NOFOLLOW | O_NONBLOCK, name: name)
        guard try file.status().isRegularFile else { throw FileSystemError(.notRegularFile, file.name) }
        return file
    }

    /// Opens a directory (for `openat`, `fsync` or `flock`) without following a final symbolic link.
    public static func openDirectory(_ path: String, relativeTo directory: OpenFile? = nil,
                                     name: String? = nil) throws(FileSystemError) -> OpenFile {
        try open(path, relativeTo: directory, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW, name: name)
    }

    /// What fstat(2) says of the file.
    public struct Status: Sendable {
        public let size: Int64
        public let isRegularFile: Bool
    }

    public func status() throws(FileSystemError) -> Status {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw FileSystemError(failedTo: "stat", name, code: errno) }
        return Status(size: Int64(info.st_size), isRegularFile: info.st_mode & S_IFMT == S_IFREG)
    }

    /// Reads up to `buffer.count` bytes at the file position; 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(FileSystemError) -> Int {
        let count = retryingOnInterrupt { systemRead(descriptor, buffer.baseAddress, buffer.count) }
        guard count >= 0 else { throw FileSystemError(failedTo: "read", name, code: errno) }
        return count
    }

    /// Reads up to `buffer.count` bytes at `offset` without moving the file position; 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(FileSystemError) -> Int {
        let count = retryingOnInterrupt { pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
        guard count >= 0 else { throw FileSystemError(failedTo: "read", name, code: errno) }
        return count
    }

    /// Reads the rest of the file (a pipe too); more than `limit` bytes is `.overLimit`.
    public func readAll(limit: Int) throws(FileSystemError) -> Data {
        var data = Data()
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let count = try read(into: chunk)
            if count == 0 { return data }
            guard data.count + count <= limit else { throw FileSystemError(.overLimit, name, limit: limit) }
            data.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
        }
    }

    /// Writes all of `bytes` at the file position.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FileSystemError) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let count = retryingOnInterrupt { systemWrite(descriptor, base + offset, bytes.count - offset) }
            guard count > 0 else { throw FileSystemError(failedTo: "write", name, code: errno) }
            offset += count
        }
    }

    public func write(_ data: Data) throws(FileSystemError) {
        // withUnsafeBytes rethrows untyped errors: carry the typed one out by hand.
        let failure = data.withUnsafeBytes { bytes -> FileSystemError? in
            do throws(FileSystemError) {
                try write(bytes)
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    /// The current file offset.
    public func position() throws(FileSystemError) -> Int64 {
        let offset = lseek(descriptor, 0, SEEK_CUR)
        guard offset >= 0 else { throw FileSystemError(failedTo: "seek in", name, code: errno) }
        return Int64(offset)
    }

    /// Asks the kernel to start writing `length` bytes from `offset` to the disk now, without
    /// waiting, so that a later `sync` has less left to do. Advisory: a refusal is ignored.
    public func startWriteback(from offset: Int64, length: Int64) {
        _ = posix_fadvise(descriptor, off_t(offset), off_t(length), POSIX_FADV_DONTNEED)
    }

    /// Flushes the file's data and metadata (or a directory's entries) to stable storage.
    public func sync() throws(FileSystemError) {
        guard fsync(descriptor) == 0 else { throw FileSystemError(failedTo: "fsync", name, code: errno) }
    }
}

// read(2) and write(2), which the methods of the same names hide inside `OpenFile`.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }

/// Repeats a system call interrupted by a signal (result -1 with errno `EINTR`).
func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let result = call()
        if result >= 0 || errno != EINTR { return result }
    }
}
