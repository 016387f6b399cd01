import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore
import SigstoreTestKit
import Testing

/// Certificate summaries and identity matching as sigstore-go does them (FORMATS.md §8.6).
@Suite("Certificate identity")
struct CertificateIdentityTests {
    private func leaf(_ kit: PrivateSigstore, names: [SubjectAlternativeName], extensions: [CertificateExtension]) throws -> Certificate {
        let key = try PrivateKey.generateP256()
        var builder = try CertificateBuilder(publicKey: key.publicKey, notBefore: kit.signingTime, notAfter: kit.signingTime + 600)
        builder.extendedKeyUsages = [ExtendedKeyUsage.codeSigning]
        builder.subjectAlternativeNames = names
        builder.extraExtensions = extensions
        return try builder.issue(issuer: kit.fulcioIntermediate, issuerKey: kit.fulcioIntermediateKey)
    }

    @Test("SAN precedence: URI, then email, then the Fulcio username otherName; DNS and IP are ignored")
    func sanPrecedence() throws {
        let kit = try PrivateSigstore()
        let username = SubjectAlternativeName.otherName(oid: SubjectAlternativeName.fulcioUsernameOID, utf8Value: "octocat")
        let cases: [([SubjectAlternativeName], String?)] = [
            ([.email("a@example.com"), .uri("https://example.com/b"), username], "https://example.com/b"),
            ([.dns("example.com"), .email("a@example.com"), username], "a@example.com"),
            ([.ipAddress("10.0.0.1"), username], "octocat"),
            ([.dns("example.com")], nil),
        ]
        for (names, expected) in cases {
            let certificate = try leaf(kit, names: names, extensions: [])
            let summary = try? CertificateSummary(certificate)
            #expect(summary?.subjectAlternativeName == expected, "\(names)")
        }
    }

    @Test("Issuer: .1.1 raw or .1.8 DER, whichever comes last in the certificate")
    func issuerLastWins() throws {
        let kit = try PrivateSigstore()
        let raw = FulcioClaim.issuerV1.certificateExtension("https://raw.example")
        let der = FulcioClaim.issuer.certificateExtension("https://der.example")
        #expect(try CertificateSummary(leaf(kit, names: [.email("a@b")], extensions: [raw, der])).issuer == "https://der.example")
        #expect(try CertificateSummary(leaf(kit, names: [.email("a@b")], extensions: [der, raw])).issuer == "https://raw.example")
        #expect(try CertificateSummary(leaf(kit, names: [.email("a@b")], extensions: [raw])).issuer == "https://raw.example")
        #expect(try CertificateSummary(leaf(kit, names: [.email("a@b")], extensions: [])).issuer == "")
    }

    @Test("Claims: legacy raw strings and DER strings decode; DER with trailing bytes is an error")
    func claims() throws {
        let kit = try PrivateSigstore()
        let summary = try CertificateSummary(leaf(kit, names: [.email("a@b")], extensions: [
            FulcioClaim.githubWorkflowRepository.certificateExtension("org/repo"),
            FulcioClaim.sourceRepositoryRef.certificateExtension("refs/tags/v1"),
        ]))
        #expect(summary.claims == [.githubWorkflowRepository: "org/repo", .sourceRepositoryRef: "refs/tags/v1"])
        #expect(FulcioClaim(oid: "1.3.6.1.4.1.57264.1.14") == .sourceRepositoryRef)
        #expect(FulcioClaim(oid: "1.3.6.1.4.1.57264.1.7") == nil)
        let trailing = CertificateExtension(oid: FulcioClaim.buildSignerURI.oid, value: DER.encodeUTF8String("x") + Data([0]))
        #expect(throws: FormatError.self) { try CertificateSummary(leaf(kit, names: [.email("a@b")], extensions: [trailing])) }
    }

    @Test("Matchers: exact and regexp must both hold; regexps are unanchored; bad patterns are refused")
    func matchers() throws {
        let both = try ValueMatcher(exact: "https://github.com/org/repo", regularExpression: "^https://github\\.com/")
        #expect(both.matches("https://github.com/org/repo"))
        #expect(!both.matches("https://gitlab.com/org/repo"))
        let loose = try ValueMatcher(regularExpression: "org/repo")
        #expect(loose.matches("https://github.com/org/repo-evil/x"))
        #expect(!(try ValueMatcher(regularExpression: "^org/repo$")).matches("https://github.com/org/repo"))
        #expect(throws: FormatError.self) { try ValueMatcher(regularExpression: "(unclosed") }
        #expect(throws: FormatError.self) { try ValueMatcher() }
    }

    @Test("Exact values compare UTF-8 bytes, as Go does: canonically equivalent spellings differ")
    func exactIsBytewise() throws {
        let precomposed = "https://example.com/caf\u{E9}"
        let decomposed = "https://example.com/cafe\u{301}"
        #expect(precomposed == decomposed, "Swift String equality is canonical equivalence")
        #expect(ValueMatcher.exact(precomposed).matches(precomposed))
        #expect(!ValueMatcher.exact(precomposed).matches(decomposed))
        #expect(!(try ValueMatcher(exact: decomposed, regularExpression: "cafe")).matches(precomposed))
        let summary = CertificateSummary(subjectAlternativeName: "a@example.com", issuer: "https://issuer",
                                         claims: [.githubWorkflowRef: "refs/heads/\u{C5}"])
        let identity = CertificateIdentity(subjectAlternativeName: .exact("a@example.com"), issuer: .exact("https://issuer"),
                                           claims: [.githubWorkflowRef: "refs/heads/A\u{30A}"])
        #expect(identity.mismatch(summary)?.contains("expected") == true)
    }

    @Test("Regexps: a value with a line terminator never matches (ICU's $ matches before a final line break, RE2's does not)")
    func lineTerminatorsNeverMatch() throws {
        let anchored = try ValueMatcher(regularExpression: "^https://github\\.com/org/repo$")
        #expect(anchored.matches("https://github.com/org/repo"))
        for terminator in ["\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"] {
            #expect(!anchored.matches("https://github.com/org/repo" + terminator), "\(terminator.debugDescription)")
            #expect(!(try ValueMatcher(regularExpression: "repo")).matches("https://github.com/org/repo" + terminator + "x"))
        }
        let summary = CertificateSummary(subjectAlternativeName: "https://github.com/org/repo\n", issuer: "https://issuer", claims: [:])
        let identity = CertificateIdentity(subjectAlternativeName: anchored, issuer: .exact("https://issuer"))
        #expect(identity.mismatch(summary)?.contains("line break") == true)
        // An exact value may hold any bytes, line breaks included.
        #expect(ValueMatcher.exact("a\nb").matches("a\nb"))
    }

    @Test("Identity mismatches name the field, claims must be equal")
    func mismatches() throws {
        let summary = CertificateSummary(subjectAlternativeName: "a@example.com", issuer: "https://issuer",
                                         claims: [.githubWorkflowRef: "refs/heads/main"])
        let identity = CertificateIdentity(subjectAlternativeName: .exact("a@example.com"), issuer: .exact("https://issuer"),
                                           claims: [.githubWorkflowRef: "refs/heads/main"])
        #expect(identity.mismatch(summary) == nil)
        var other = identity
        other.claims[.githubWorkflowRef] = "refs/heads/dev"
        #expect(other.mismatch(summary)?.contains("GithubWorkflowRef") == true)
        other.claims = [.githubWorkflowSHA: "abc"]
        #expect(other.mismatch(summary)?.contains("absent") == true)
        other = identity
        other.issuer = .exact("https://other")
        #expect(other.mismatch(summary)?.contains("issuer") == true)
    }
}
