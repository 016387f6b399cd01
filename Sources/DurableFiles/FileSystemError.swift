#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system operation that failed or was refused. `message` is one line naming the path
/// (`cannot write out.tar: No space left on device`, `blobs/sha256/… is a symbolic link;
/// refused`); each module turns it into its own error.
public struct FileSystemError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, coarsely.
    public enum Kind: Sendable, Equatable {
        /// A system call failed; `code` holds its errno.
        case failed
        /// A symbolic link where none is followed (`O_NOFOLLOW`).
        case symbolicLink
        /// Something other than a regular file where one is required.
        case notRegularFile
        /// Something other than a directory where one is required.
        case notDirectory
        /// The destination of a commit that must not replace anything exists.
        case exists
        /// A file read whole is longer than its limit.
        case overLimit
    }

    public let kind: Kind
    /// The errno of a failed call; 0 for the other kinds.
    public let code: Int32
    public let message: String

    /// `cannot <operation> <path>: <the system's text for code>`.
    public init(failedTo operation: String, _ path: String, code: Int32) {
        self.init(kind: .failed, code: code, message: "cannot \(operation) \(path): \(Self.text(of: code))")
    }

    init(_ kind: Kind, _ path: String, limit: Int = 0) {
        let message = switch kind {
        case .failed: "cannot use \(path)"
        case .symbolicLink: "\(path) is a symbolic link; refused"
        case .notRegularFile: "\(path) is not a regular file; refused"
        case .notDirectory: "\(path) is not a directory; refused"
        case .exists: "\(path) already exists"
        case .overLimit: "\(path) is over the \(limit)-byte limit"
        }
        self.init(kind: kind, code: 0, message: message)
    }

    private init(kind: Kind, code: Int32, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The system's text for `code` (e.g. "Permission denied").
    public var reason: String { Self.text(of: code) }

    /// True when the file (or a directory on its path) does not exist.
    public var isMissing: Bool { kind == .failed && code == ENOENT }

    private static func text(of code: Int32) -> String { String(cString: strerror(code)) }
}
