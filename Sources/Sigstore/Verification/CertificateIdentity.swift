import AirlockJSON
import Foundation

/// An expected certificate identity (sigstore-go `CertificateIdentity`, FORMATS.md §8.6): the
/// subject alternative name, the OIDC issuer, and optional Fulcio claims that must be equal.
public struct CertificateIdentity: Sendable {
    public var subjectAlternativeName: ValueMatcher
    public var issuer: ValueMatcher
    /// Claims that must be present with exactly these values (cosign's
    /// `--certificate-github-workflow-*` flags map to the legacy raw `.1.2`–`.1.6` claims).
    public var claims: [FulcioClaim: String]

    public init(subjectAlternativeName: ValueMatcher, issuer: ValueMatcher, claims: [FulcioClaim: String] = [:]) {
        self.subjectAlternativeName = subjectAlternativeName
        self.issuer = issuer
        self.claims = claims
    }

    /// Why `summary` does not match, or nil when it does.
    public func mismatch(_ summary: CertificateSummary) -> String? {
        if let why = subjectAlternativeName.mismatch(summary.subjectAlternativeName, what: "subject alternative name") {
            return why
        }
        if let why = issuer.mismatch(summary.issuer, what: "issuer") { return why }
        for (claim, expected) in claims.sorted(by: { $0.key.oid < $1.key.oid }) where !expected.isEmpty {
            let actual = summary.claims[claim]
            guard let actual, actual.utf8.elementsEqual(expected.utf8) else {
                return "\(claim.name) (\(claim.oid)) is \(actual.map { "\"\($0)\"" } ?? "absent"), expected \"\(expected)\""
            }
        }
        return nil
    }
}

/// Matches a string exactly, by a regular expression, or both (both must then hold).
///
/// Exact values compare UTF-8 bytes, as Go compares strings (no Unicode normalization: an
/// `é` written precomposed does not equal `e` + combining accent).
///
/// Regular expressions are **unanchored**, as in sigstore-go (Go's `MatchString` finds a
/// substring): `github.com/org` matches `https://github.com/org-evil/x`. Anchoring with
/// `^…$` is the caller's job. They run on ICU (`NSRegularExpression`, Unix line separators),
/// not on Go's RE2, and the two differ; airlock closes the gap where it lets a value match
/// that RE2 would refuse, and documents the rest:
/// - A value containing a line terminator (LF, VT, FF, CR, NEL, U+2028, U+2029) never matches
///   a regular expression: ICU's `$` matches before a final line break (`^a$` matches
///   `"a\n"`), RE2's only at the very end.
/// - `\w`, `\d`, `\s`, `\b` and POSIX classes such as `[[:alpha:]]` are Unicode-aware in
///   ICU and ASCII-only in RE2: `^\w+$` matches `ｏｒｇ` (full-width) here, not in cosign.
///   Write explicit ASCII classes (`[A-Za-z0-9_]`) in identity patterns.
/// - `(?i)` uses full Unicode case folding in ICU (`ß` matches `ss`), simple folding in RE2.
/// - ICU accepts constructs RE2 refuses (backreferences, look-around, possessive and atomic
///   groups, repetition counts over 1000) and reads `[` inside a class as a nested set and
///   `&&`/`--` as set operations; RE2-only syntax such as `(?P<name>…)` is refused as invalid.
public struct ValueMatcher: Sendable, CustomStringConvertible {
    public let exact: String?
    public let pattern: String?
    private let expression: CompiledExpression?

    /// At least one of `exact` and `regularExpression` is required; an invalid expression is
    /// an error.
    public init(exact: String? = nil, regularExpression: String? = nil) throws(FormatError) {
        guard exact != nil || regularExpression != nil else {
            throw FormatError("an identity matcher needs an exact value or a regular expression")
        }
        self.exact = exact
        pattern = regularExpression
        expression = try regularExpression.map { (pattern) throws(FormatError) in try CompiledExpression(pattern) }
    }

    /// Matches `value` exactly.
    public static func exact(_ value: String) -> ValueMatcher {
        ValueMatcher(exactValue: value)
    }

    private init(exactValue: String) {
        exact = exactValue
        pattern = nil
        expression = nil
    }

    public func matches(_ value: String) -> Bool {
        if let exact, !exact.utf8.elementsEqual(value.utf8) { return false }
        if let expression, !expression.matches(value) { return false }
        return true
    }

    func mismatch(_ value: String, what: String) -> String? {
        guard !matches(value) else { return nil }
        let lineBreak = expression != nil && CompiledExpression.hasLineTerminator(value) ? " (it contains a line break, which no regular expression matches)" : ""
        return "\(what) \"\(value)\" does not match \(self)\(lineBreak)"
    }

    public var description: String {
        [exact.map { "\"\($0)\"" }, pattern.map { "regexp \"\($0)\"" }].compactMap { $0 }.joined(separator: " and ")
    }
}

/// An immutable compiled expression; `NSRegularExpression` is documented as thread-safe.
private final class CompiledExpression: @unchecked Sendable {
    let regex: NSRegularExpression

    init(_ pattern: String) throws(FormatError) {
        do {
            regex = try NSRegularExpression(pattern: pattern, options: [.useUnixLineSeparators])
        } catch {
            throw FormatError("invalid regular expression \"\(pattern.prefix(100))\"")
        }
    }

    /// False for any value with a line terminator (see `ValueMatcher`), else an unanchored search.
    func matches(_ value: String) -> Bool {
        guard !Self.hasLineTerminator(value) else { return false }
        return regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }

    static func hasLineTerminator(_ value: String) -> Bool {
        value.unicodeScalars.contains { [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) }
    }
}
