#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Operations on paths rather than on open files: renames, directory creation and the
/// directory fsync that makes a rename or link durable.
public enum FileSystem {
    /// Renames `source` to `destination` atomically (rename(2): same file system; an existing
    /// file at `destination` is replaced).
    public static func move(_ source: String, to destination: String) throws(FileSystemError) {
        guard rename(source, destination) == 0 else {
            throw FileSystemError(failedTo: "move \(source) to", destination, code: errno)
        }
    }

    /// fsyncs the directory `path` (following a symbolic link to it) so that the renames and
    /// links made in it survive a crash.
    public static func syncDirectory(_ path: String) throws(FileSystemError) {
        try OpenFile.open(path, flags: O_RDONLY | O_DIRECTORY).sync()
    }

    /// Makes `path` a directory (mode 0755 less the umask) unless it is one already; a
    /// symbolic link or another file there is refused.
    public static func ensureDirectory(_ path: String) throws(FileSystemError) {
        if mkdir(path, 0o755) == 0 { return }
        let code = errno
        guard code == EEXIST else { throw FileSystemError(failedTo: "create directory", path, code: code) }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw FileSystemError(failedTo: "stat", path, code: errno) }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return
        case S_IFLNK: throw FileSystemError(.symbolicLink, path)
        default: throw FileSystemError(.notDirectory, path)
        }
    }

    /// The directory part of `path`: `.` for a bare name, `/` for a file at the root.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component of `path`.
    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
