/// The exit codes of `airlock`, documented in the README.
public enum ExitStatus: Int32, Sendable {
    /// The command did what was asked; for verification: every requested check passed.
    case success = 0
    /// Verification ran and did not pass (a signature, digest or policy check failed).
    case rejected = 1
    /// The command could not run: unreadable or malformed input, wrong password, I/O error.
    case failure = 2
    /// The command line itself is wrong (ArgumentParser's validation errors).
    case usage = 64
}

/// A failure that ends a command with one line on stderr and a chosen exit status.
public struct CommandFailure: Error, CustomStringConvertible {
    public let message: String
    public let status: ExitStatus

    public init(_ message: String, status: ExitStatus = .failure) {
        self.message = message
        self.status = status
    }

    public var description: String { message }
}
