/// Why JSON text was refused, or why a value cannot be canonicalised.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public enum Reason: Sendable, Equatable {
        case tooLarge(limit: Int)
        case tooDeep(limit: Int)
        case unexpectedEnd
        case unexpectedCharacter
        case trailingData
        case invalidUTF8
        case controlCharacterInString
        case invalidEscape
        case loneSurrogate
        case invalidNumber
        case numberTooLong(limit: Int)
        case duplicateKey(String)
        /// A number that has no canonical (RFC 8785) form, e.g. one beyond the `Double` range.
        case numberNotCanonicalizable(String)
    }

    public let reason: Reason
    /// Byte offset in the input where the problem was found (nil when not parsing).
    public let offset: Int?

    public init(_ reason: Reason, offset: Int? = nil) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        let what: String
        switch reason {
        case .tooLarge(let limit): what = "document is larger than \(limit) bytes"
        case .tooDeep(let limit): what = "nesting is deeper than \(limit) levels"
        case .unexpectedEnd: what = "unexpected end of input"
        case .unexpectedCharacter: what = "unexpected character"
        case .trailingData: what = "unexpected data after the JSON value"
        case .invalidUTF8: what = "invalid UTF-8"
        case .controlCharacterInString: what = "unescaped control character in a string"
        case .invalidEscape: what = "invalid escape sequence"
        case .loneSurrogate: what = "unpaired UTF-16 surrogate in a \\u escape"
        case .invalidNumber: what = "invalid number"
        case .numberTooLong(let limit): what = "number longer than \(limit) characters"
        case .duplicateKey(let key): what = "duplicate object key \"\(key.prefix(60))\""
        case .numberNotCanonicalizable(let text): what = "number \(text.prefix(40)) has no canonical JSON form"
        }
        if let offset { return "invalid JSON at byte \(offset): \(what)" }
        return "JSON: \(what)"
    }
}

/// Limits applied while parsing untrusted JSON.
public struct JSONLimits: Sendable, Equatable {
    /// Largest accepted document, in bytes.
    public var maxBytes: Int
    /// Deepest accepted nesting of arrays and objects.
    public var maxDepth: Int
    /// Longest accepted number text.
    public var maxNumberLength: Int

    public init(maxBytes: Int = 64 << 20, maxDepth: Int = 64, maxNumberLength: Int = 256) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNumberLength = maxNumberLength
    }

    /// 64 MiB, depth 64, numbers up to 256 characters.
    public static let `default` = JSONLimits()
}
