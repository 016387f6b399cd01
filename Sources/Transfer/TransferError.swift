import DurableFiles

/// A failure of pack, unpack, inspect or inventory; `description` is one line that names the
/// archive entry, blob or file concerned.
public struct TransferError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, so that callers can choose an exit status.
    public enum Kind: Sendable, Equatable {
        /// An archive entry that is not allowed (name, type, size, duplicate, truncation).
        case hostileEntry
        /// Content that does not match its digest or declared size, or a blob that is missing.
        case mismatch
        /// The arrival check (signatures, policy) did not pass.
        case rejected
        /// Input that cannot be used: malformed JSON, unknown image, bad option value.
        case malformed
        /// A merge that would change what an existing tag names.
        case conflict
        /// Reading or writing files failed.
        case io
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// An archive entry refused before anything of it is used.
    static func entry(_ name: String, _ reason: String) -> TransferError {
        TransferError(.hostileEntry, "archive entry \(quoted(name)): \(reason)")
    }

    /// `name` quoted for a message, control characters escaped and at most 200 characters.
    static func quoted(_ name: String) -> String {
        let escaped = name.unicodeScalars.map { scalar -> String in
            scalar.value < 0x20 || scalar.value == 0x7f ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
        return "\"\(escaped.prefix(200))\(escaped.count > 200 ? "…" : "")\""
    }
}

extension TransferError {
    /// A file-system failure (or refusal) as an `.io` error with the same message.
    init(_ error: FileSystemError) {
        self.init(.io, error.message)
    }

    /// Runs `body`, turning a `FileSystemError` it throws into a `TransferError`.
    static func fileSystem<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FileSystemError {
            throw TransferError(error)
        }
    }
}
