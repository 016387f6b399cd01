import AirlockJSON
import AirlockCrypto
import Foundation

/// A Fulcio certificate extension (OIDs `1.3.6.1.4.1.57264.1.1`–`.1.22` but `.1.7`, FORMATS.md
/// §8.6). `.1.1`–`.1.6` hold the raw string bytes (legacy); `.1.8` and later a DER UTF8String.
public enum FulcioClaim: Int, Sendable, CaseIterable, Comparable {
    case issuerV1 = 1
    case githubWorkflowTrigger = 2
    case githubWorkflowSHA = 3
    case githubWorkflowName = 4
    case githubWorkflowRepository = 5
    case githubWorkflowRef = 6
    case issuer = 8
    case buildSignerURI = 9
    case buildSignerDigest = 10
    case runnerEnvironment = 11
    case sourceRepositoryURI = 12
    case sourceRepositoryDigest = 13
    case sourceRepositoryRef = 14
    case sourceRepositoryIdentifier = 15
    case sourceRepositoryOwnerURI = 16
    case sourceRepositoryOwnerIdentifier = 17
    case buildConfigURI = 18
    case buildConfigDigest = 19
    case buildTrigger = 20
    case runInvocationURI = 21
    case sourceRepositoryVisibilityAtSigning = 22

    public static let oidPrefix = "1.3.6.1.4.1.57264.1."

    /// The dotted extension OID.
    public var oid: String { Self.oidPrefix + String(rawValue) }

    /// Whether the value is a DER UTF8String (`.1.8` on) rather than raw bytes.
    public var isDEREncoded: Bool { rawValue >= 8 }

    /// The claim whose extension has `oid`, if any.
    public init?(oid: String) {
        guard oid.hasPrefix(Self.oidPrefix), let number = Int(oid.dropFirst(Self.oidPrefix.count)),
              let claim = FulcioClaim(rawValue: number) else { return nil }
        self = claim
    }

    /// The sigstore-go field name, e.g. `GithubWorkflowRepository`, `BuildSignerURI`.
    public var name: String {
        switch self {
        case .issuerV1: "Issuer (v1)"
        case .githubWorkflowTrigger: "GithubWorkflowTrigger"
        case .githubWorkflowSHA: "GithubWorkflowSHA"
        case .githubWorkflowName: "GithubWorkflowName"
        case .githubWorkflowRepository: "GithubWorkflowRepository"
        case .githubWorkflowRef: "GithubWorkflowRef"
        case .issuer: "Issuer"
        case .buildSignerURI: "BuildSignerURI"
        case .buildSignerDigest: "BuildSignerDigest"
        case .runnerEnvironment: "RunnerEnvironment"
        case .sourceRepositoryURI: "SourceRepositoryURI"
        case .sourceRepositoryDigest: "SourceRepositoryDigest"
        case .sourceRepositoryRef: "SourceRepositoryRef"
        case .sourceRepositoryIdentifier: "SourceRepositoryIdentifier"
        case .sourceRepositoryOwnerURI: "SourceRepositoryOwnerURI"
        case .sourceRepositoryOwnerIdentifier: "SourceRepositoryOwnerIdentifier"
        case .buildConfigURI: "BuildConfigURI"
        case .buildConfigDigest: "BuildConfigDigest"
        case .buildTrigger: "BuildTrigger"
        case .runInvocationURI: "RunInvocationURI"
        case .sourceRepositoryVisibilityAtSigning: "SourceRepositoryVisibilityAtSigning"
        }
    }

    /// The certificate extension carrying `value` in this claim's encoding (for issuing).
    public func certificateExtension(_ value: String) -> CertificateExtension {
        isDEREncoded ? .utf8String(oid: oid, value) : .rawString(oid: oid, value)
    }

    /// Decodes an extension value in this claim's encoding.
    func decode(_ value: Data) throws(FormatError) -> String {
        guard isDEREncoded else { return String(decoding: value, as: UTF8.self) }
        do {
            return try DER.decodeUTF8String(value)
        } catch {
            throw FormatError("certificate extension \(oid) (\(name)): \(error)")
        }
    }

    public static func < (lhs: FulcioClaim, rhs: FulcioClaim) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a certificate says about its subject, as sigstore-go summarises it (FORMATS.md §8.6).
public struct CertificateSummary: Sendable, Equatable {
    /// The first URI SAN, else the first email SAN, else the Fulcio username otherName.
    public let subjectAlternativeName: String
    /// The OIDC issuer: whichever of `.1.1` (raw) and `.1.8` (DER) appears last; empty if neither.
    public let issuer: String
    /// Every Fulcio claim present, decoded.
    public let claims: [FulcioClaim: String]

    public init(subjectAlternativeName: String, issuer: String, claims: [FulcioClaim: String]) {
        self.subjectAlternativeName = subjectAlternativeName
        self.issuer = issuer
        self.claims = claims
    }

    /// Summarises `certificate`; no usable SAN, or a DER claim that does not decode, is an error.
    public init(_ certificate: Certificate) throws(FormatError) {
        let names = certificate.subjectAlternativeNames
        let uri = names.lazy.compactMap { if case .uri(let value) = $0 { value } else { nil } }.first
        let email = names.lazy.compactMap { if case .email(let value) = $0 { value } else { nil } }.first
        let username = names.lazy.compactMap { name -> String? in
            if case .otherName(SubjectAlternativeName.fulcioUsernameOID, let value) = name { value } else { nil }
        }.first
        guard let san = uri ?? email ?? username else {
            throw FormatError("the certificate has no URI, email or Fulcio username subject alternative name")
        }
        var claims: [FulcioClaim: String] = [:]
        var issuer = ""
        for ext in certificate.extensions {
            guard let claim = FulcioClaim(oid: ext.oid) else { continue }
            let value = try claim.decode(ext.value)
            claims[claim] = value
            if claim == .issuer || claim == .issuerV1 { issuer = value }
        }
        self.init(subjectAlternativeName: san, issuer: issuer, claims: claims)
    }
}
