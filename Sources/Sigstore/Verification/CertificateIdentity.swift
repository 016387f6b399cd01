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
            guard actual == expected else {
                return "\(claim.name) (\(claim.oid)) is \(actual.map { "\"\($0)\"" } ?? "absent"), expected \"\(expected)\""
            }
        }
        return nil
    }
}

/// Matches a string exactly, by a regular expression, or both (both must then hold).
///
/// Regular expressions are **unanchored**, as in sigstore-go (Go's `MatchString` finds a
/// substring): `github.com/org` matches `https://github.com/org-evil/x`. Anchoring with
/// `^…$` is the caller's job. The syntax is ICU's (`NSRegularExpression`), which agrees with
/// Go's RE2 on the constructs identity patterns use (classes, groups, alternation, anchors,
/// quantifiers); RE2 has no backreferences or look-around, so any RE2 pattern means the same.
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
        if let exact, exact != value { return false }
        if let expression, !expression.matches(value) { return false }
        return true
    }

    func mismatch(_ value: String, what: String) -> String? {
        matches(value) ? nil : "\(what) \"\(value)\" does not match \(self)"
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
            regex = try NSRegularExpression(pattern: pattern)
        } catch {
            throw FormatError("invalid regular expression \"\(pattern.prefix(100))\"")
        }
    }

    func matches(_ value: String) -> Bool {
        regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }
}
