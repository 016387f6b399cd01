import AirlockCrypto
import Foundation

/// The outcome of `SigstoreVerifier.verify`: what was proven, or the first check that failed.
/// "Not trusted" is a value, not a thrown error.
public enum VerificationResult: Sendable {
    case verified(VerifiedBundle)
    case rejected(VerificationFailure)

    public var verified: VerifiedBundle? {
        if case .verified(let bundle) = self { bundle } else { nil }
    }

    public var failure: VerificationFailure? {
        if case .rejected(let failure) = self { failure } else { nil }
    }
}

/// The checks of FORMATS.md §8.1, in the order they run.
public enum VerificationCheck: String, Sendable, CaseIterable {
    /// The policy and options are inconsistent (e.g. no trusted root where one is needed).
    case policy
    /// The bundle's own content is unusable (e.g. its certificate does not parse).
    case bundle
    case transparencyLog
    case signedTimestamp
    case integratedTimestamp
    /// Not enough trusted time sources overall.
    case timestamps
    /// The bundle's key or certificate is not what the policy expects.
    case verificationMaterial
    case certificateChain
    case sct
    case signature
    case artifactDigest
    /// The DSSE payload is not an in-toto statement about the artifact.
    case statement
    case identity
}

/// A failed check and a one-line reason.
public struct VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public let check: VerificationCheck
    public let reason: String

    public init(_ check: VerificationCheck, _ reason: String) {
        self.check = check
        self.reason = reason
    }

    public var description: String { "\(check.rawValue): \(reason)" }
}

/// Everything a successful verification established.
public struct VerifiedBundle: Sendable {
    public let signer: VerifiedSigner
    /// The trusted times the signer was checked at (sigstore-go's verified observer timestamps:
    /// TSA times, integrated times when required, or "now").
    public let timestamps: [VerifiedTimestamp]
    /// The log entries that passed every check (unknown logs and failed SETs are left out).
    public let logEntries: [VerifiedLogEntry]
    /// The in-toto statement of a DSSE bundle, for the caller's subject, predicate-type and
    /// annotation checks.
    public let statement: InTotoStatement?
    /// Things not checked or skipped, one line each (e.g. "log entries not checked: no trusted root").
    public let notes: [String]

    /// The times to show as the signing time: the verified timestamps, else the integrated
    /// times of entries with a verified SET.
    public var signingTimes: [VerifiedTimestamp] {
        if !timestamps.isEmpty { return timestamps }
        return logEntries.compactMap { entry in
            entry.integratedTime.map { VerifiedTimestamp(time: $0, source: .transparencyLog(baseURL: entry.baseURL)) }
        }
    }
}

/// Who signed.
public enum VerifiedSigner: Sendable {
    /// The policy key that verified the signature.
    case publicKey(PublicKey)
    case certificate(VerifiedCertificate)
}

/// A Fulcio-style certificate that chained to a trusted CA and matched the policy.
public struct VerifiedCertificate: Sendable {
    public let summary: CertificateSummary
    /// The validated chain, leaf first, trust anchor last (from the last validation).
    public let chain: [Certificate]
    /// The CT logs (log IDs) whose embedded SCT verified.
    public let certificateTransparencyLogs: [Data]
}

/// A trusted time and where it came from.
public struct VerifiedTimestamp: Sendable, Equatable {
    public enum Source: Sendable, Equatable, CustomStringConvertible {
        /// A verified Rekor v1 SET (integrated time) of the log at `baseURL`.
        case transparencyLog(baseURL: String)
        /// An RFC 3161 timestamp of the authority with this URI.
        case timestampAuthority(uri: String)
        /// The validation time itself (`usesCurrentTime`).
        case currentTime

        public var description: String {
            switch self {
            case .transparencyLog(let url): "transparency log \(url.isEmpty ? "(no URL)" : url)"
            case .timestampAuthority(let uri): "timestamp authority \(uri.isEmpty ? "(no URI)" : uri)"
            case .currentTime: "current time"
            }
        }
    }

    public let time: Date
    public let source: Source

    public init(time: Date, source: Source) {
        self.time = time
        self.source = source
    }
}

/// A log entry that passed §8.2.
public struct VerifiedLogEntry: Sendable, Equatable {
    public let logID: Data
    public let logIndex: Int64
    public let baseURL: String
    public let kind: String
    public let kindVersion: String
    /// The integrated time, when the entry's SET verified.
    public let integratedTime: Date?
    public let isRekorV2: Bool
}
