import Foundation

/// An owned POSIX file descriptor, closed in deinit; every call checks its result and
/// throws `TransferError(.io)` naming the path.
final class FileDescriptor {
    let raw: Int32
    let path: String

    private init(raw: Int32, path: String) {
        self.raw = raw
        self.path = path
    }

    deinit { close(raw) }

    static func open(_ path: String, flags: Int32, mode: mode_t = 0o644) throws -> FileDescriptor {
        var fd: Int32
        repeat { fd = Glibc.open(path, flags | O_CLOEXEC, mode) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw TransferError(.io, "cannot open \(path): \(describe(errno))") }
        return FileDescriptor(raw: fd, path: path)
    }

    /// Writes all of `bytes`.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(raw, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw TransferError(.io, "cannot write \(path): \(Self.describe(errno))") }
            offset += count
        }
    }

    func write(_ data: Data) throws {
        try data.withUnsafeBytes { try write($0) }
    }

    /// Reads up to `buffer.count` bytes; 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(raw, buffer.baseAddress, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw TransferError(.io, "cannot read \(path): \(Self.describe(errno))") }
            return count
        }
    }

    /// Asks the kernel to start writing `length` bytes from `offset` to the disk now, without
    /// waiting (so that a later `sync` has less left to do); advisory, errors are ignored.
    func startWriteback(from offset: Int64, length: Int64) {
        _ = posix_fadvise(raw, off_t(offset), off_t(length), POSIX_FADV_DONTNEED)
    }

    /// The current file offset.
    func position() -> Int64 { Int64(lseek(raw, 0, SEEK_CUR)) }

    /// Flushes the file's data and metadata to the disk.
    func sync() throws {
        guard fsync(raw) == 0 else { throw TransferError(.io, "cannot fsync \(path): \(Self.describe(errno))") }
    }

    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }
}
