import Foundation

/// A document (bundle, trusted root, envelope, statement, log entry) does not have the expected
/// shape. `message` is one line and names the offending field path.
public struct FormatError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// Wraps a JSON syntax error with the name of the document that contained it.
    public init(_ document: String, _ error: JSONError) {
        message = "\(document): \(error)"
    }
}

extension JSONValue {
    /// Parses one JSON document as `parse(_:limits:)` does; a syntax error is thrown as
    /// `FormatError(document, error)`.
    public static func parse(_ data: Data, limits: JSONLimits = .default, document: String) throws(FormatError) -> JSONValue {
        do {
            return try parse(data, limits: limits)
        } catch {
            throw FormatError(document, error)
        }
    }
}
