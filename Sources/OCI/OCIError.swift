import DurableFiles

/// An error from reading, writing or resolving an OCI image layout.
///
/// `message` is one line that names the file or blob concerned (e.g. `sha256:… missing`,
/// `sha256:… size 10 != descriptor 12`); `kind` lets callers tell an integrity failure of the
/// content apart from input that cannot be read at all.
public struct OCIError: Error, CustomStringConvertible, Sendable, Hashable {
    /// What went wrong, coarsely.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A blob referenced by a descriptor is not in the store.
        case missing
        /// A blob's content does not hash to its digest.
        case digestMismatch
        /// A blob's length differs from its descriptor's size.
        case sizeMismatch
        /// JSON that does not parse or does not have the required shape.
        case malformed
        /// Something well-formed that airlock does not handle (digest algorithm, schema, version).
        case unsupported
        /// Input refused for safety: a symlink or non-regular blob, a size or count limit.
        case refused
        /// A reference (tag, digest) that names nothing in the layout.
        case notFound
        /// A reference that names several images.
        case ambiguous
        /// A file-system operation failed.
        case io
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// True for the failures of content against its descriptor (missing, digest or size
    /// mismatch), as opposed to input that cannot be read or parsed.
    public var isIntegrityFailure: Bool {
        switch kind {
        case .missing, .digestMismatch, .sizeMismatch: true
        default: false
        }
    }
}

extension OCIError {
    /// A file-system failure as an OCI error: refusals (symbolic link, not a regular file or
    /// directory, over a size limit) are `.refused`, the rest `.io`; the message is kept.
    init(_ error: FileSystemError) {
        switch error.kind {
        case .failed, .exists: self.init(.io, error.message)
        case .symbolicLink, .notRegularFile, .notDirectory, .overLimit: self.init(.refused, error.message)
        }
    }

    /// Runs `body`, turning a `FileSystemError` it throws into an `OCIError`.
    static func fileSystem<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FileSystemError {
            throw OCIError(error)
        }
    }
}
