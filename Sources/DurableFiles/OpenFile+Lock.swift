#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Advisory whole-file locks (flock(2)): held by the open file, released by `unlock()` or
/// when the file is closed, so a killed holder never leaves a lock behind.
extension OpenFile {
    /// Waits for an exclusive lock.
    public func lock() throws(FileSystemError) {
        guard retryingOnInterrupt({ flock(descriptor, LOCK_EX) }) == 0 else {
            throw FileSystemError(failedTo: "lock", name, code: errno)
        }
    }

    /// Takes an exclusive lock if nobody holds one; false when another open file does.
    public func tryLock() throws(FileSystemError) -> Bool {
        if retryingOnInterrupt({ flock(descriptor, LOCK_EX | LOCK_NB) }) == 0 { return true }
        let code = errno
        guard code == EWOULDBLOCK else { throw FileSystemError(failedTo: "lock", name, code: code) }
        return false
    }

    public func unlock() {
        _ = flock(descriptor, LOCK_UN)
    }

    /// Runs `body` holding the exclusive lock of the lock file at `path` (created 0644 if
    /// absent, never through a symbolic link), waiting for other holders first.
    public static func withExclusiveLock<T>(on path: String, name: String? = nil, _ body: () throws -> T) throws -> T {
        let lockFile = try open(path, flags: O_RDWR | O_CREAT | O_NOFOLLOW, name: name)
        try lockFile.lock()
        defer { lockFile.unlock() }
        return try body()
    }
}
