import AirlockCrypto
import Foundation
import Sigstore

/// What a Fulcio-style leaf certificate of the kit says and how it is made.
public struct LeafProfile: Sendable {
    /// Where the embedded SCT comes from.
    public enum SCTSource: Sendable {
        /// The kit's CT log, which the trusted root lists.
        case trustedLog
        /// A CT log the trusted root does not know.
        case unknownLog
        /// No SCT at all.
        case none
    }

    public static let defaultIdentity = "https://github.com/airlock-test/app/.github/workflows/release.yml@refs/heads/main"
    public static let defaultIssuer = "https://token.actions.githubusercontent.com"

    public var subjectAlternativeName: SubjectAlternativeName = .uri(LeafProfile.defaultIdentity)
    /// Written as both `.1.1` (raw) and `.1.8` (DER), `.1.1` first, as Fulcio does; nil for neither.
    public var issuer: String? = LeafProfile.defaultIssuer
    /// Further claims (GitHub workflow ones by default).
    public var claims: [FulcioClaim: String] = [
        .githubWorkflowTrigger: "push",
        .githubWorkflowSHA: "0123456789abcdef0123456789abcdef01234567",
        .githubWorkflowName: "release",
        .githubWorkflowRepository: "airlock-test/app",
        .githubWorkflowRef: "refs/heads/main",
        .buildSignerURI: LeafProfile.defaultIdentity,
    ]
    /// Start of validity; nil for 30 seconds before the kit's signing time.
    public var notBefore: Date?
    /// Fulcio issues 10-minute certificates.
    public var lifetime: TimeInterval = 600
    public var sct: SCTSource = .trustedLog
    /// The signing key; nil for a fresh P-256 key.
    public var key: PrivateKey?

    public init() {}
}
