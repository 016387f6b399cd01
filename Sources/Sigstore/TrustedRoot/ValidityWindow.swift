import AirlockJSON
import Foundation

/// A protobuf-specs `TimeRange`: when a key or CA may be trusted. Both ends are inclusive; a
/// missing end is unbounded.
public struct ValidityWindow: Sendable, Equatable, CustomStringConvertible {
    public var start: Date?
    public var end: Date?

    public init(start: Date?, end: Date? = nil) {
        self.start = start
        self.end = end
    }

    /// No bounds at all.
    public static let unbounded = ValidityWindow(start: nil, end: nil)

    /// Whether `date` lies in the window, ends included.
    public func contains(_ date: Date) -> Bool {
        if let start, date < start { return false }
        if let end, date > end { return false }
        return true
    }

    public var description: String {
        "[\(start.map(RFC3339.format) ?? "-∞"), \(end.map(RFC3339.format) ?? "+∞")]"
    }
}
