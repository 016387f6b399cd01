/// A cosign artifact that cannot be built, read or stored: one line naming what is wrong
/// (the image, the tag, the field), for the command to print as is.
public struct CosignError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
