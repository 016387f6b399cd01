import AirlockCrypto
import Foundation

/// A `trusted_root.json` (FORMATS.md §7.4): the transparency logs, Fulcio-style CAs, CT logs and
/// timestamp authorities a verifier trusts. Certificates are DER `Data`; keys are parsed.
public struct TrustedRoot: Sendable, Equatable {
    /// The media type public-good TUF distributes, and the one airlock writes.
    public static let mediaTypeV01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1"
    /// Every media type accepted when reading.
    public static let acceptedMediaTypes = [
        mediaTypeV01,
        "application/vnd.dev.sigstore.trustedroot.v0.1+json",
        "application/vnd.dev.sigstore.trustedroot.v0.2+json",
    ]

    public var mediaType: String
    public var transparencyLogs: [TransparencyLogInstance]
    public var certificateAuthorities: [CertificateAuthority]
    public var ctLogs: [TransparencyLogInstance]
    public var timestampAuthorities: [CertificateAuthority]

    public init(mediaType: String = TrustedRoot.mediaTypeV01, transparencyLogs: [TransparencyLogInstance] = [],
                certificateAuthorities: [CertificateAuthority] = [], ctLogs: [TransparencyLogInstance] = [],
                timestampAuthorities: [CertificateAuthority] = []) {
        self.mediaType = mediaType
        self.transparencyLogs = transparencyLogs
        self.certificateAuthorities = certificateAuthorities
        self.ctLogs = ctLogs
        self.timestampAuthorities = timestampAuthorities
    }

    /// The transparency log whose `logId.keyId` is exactly `logID` (the ID as written in the
    /// root, never recomputed). Like sigstore-go's map, a later duplicate wins.
    public func transparencyLog(id logID: Data) -> TransparencyLogInstance? {
        transparencyLogs.last { $0.logID == logID }
    }

    /// The CT log whose `logId.keyId` is exactly `logID`; a later duplicate wins.
    public func ctLog(id logID: Data) -> TransparencyLogInstance? {
        ctLogs.last { $0.logID == logID }
    }
}

/// A transparency log or CT log the root trusts.
public struct TransparencyLogInstance: Sendable, Equatable {
    public var baseURL: String
    /// The log's Merkle tree hash (always SHA-256; anything else is refused when reading).
    public var hashAlgorithm: DigestAlgorithm
    public var publicKey: PublicKey
    /// `publicKey.rawBytes` as written: DER SPKI, or DER PKCS#1 for `PKCS1_RSA_PKCS1V5`.
    public var publicKeyBytes: Data
    public var keyDetails: PublicKeyDetails
    /// When the key may be trusted; `start` is always set for a root read from JSON.
    public var validFor: ValidityWindow
    /// `logId.keyId`, as written.
    public var logID: Data
    /// `checkpointKeyId.keyId` (trusted root v0.2), when present.
    public var checkpointKeyID: Data?
    /// `operator` (trusted root v0.2), when present.
    public var operatorName: String?

    /// A log entry for `publicKey`: key details from the key (Ed25519 → `PKIX_ED25519`), log ID
    /// SHA-256(SPKI) unless given, SPKI raw bytes.
    public init(baseURL: String, publicKey: PublicKey, validFor: ValidityWindow, logID: Data? = nil,
                keyDetails: PublicKeyDetails? = nil, checkpointKeyID: Data? = nil, operatorName: String? = nil) throws {
        self.init(baseURL: baseURL, publicKey: publicKey, publicKeyBytes: publicKey.derSPKI,
                  keyDetails: try keyDetails ?? PublicKeyDetails(defaultFor: publicKey.algorithm, ed25519Prehashed: false),
                  validFor: validFor, logID: logID ?? publicKey.spkiSHA256, checkpointKeyID: checkpointKeyID,
                  operatorName: operatorName)
    }

    init(baseURL: String, publicKey: PublicKey, publicKeyBytes: Data, keyDetails: PublicKeyDetails,
         validFor: ValidityWindow, logID: Data, checkpointKeyID: Data?, operatorName: String?) {
        self.baseURL = baseURL
        hashAlgorithm = .sha256
        self.publicKey = publicKey
        self.publicKeyBytes = publicKeyBytes
        self.keyDetails = keyDetails
        self.validFor = validFor
        self.logID = logID
        self.checkpointKeyID = checkpointKeyID
        self.operatorName = operatorName
    }

    /// The host name of `baseURL` (no scheme, port or path): a Rekor v2 log's checkpoint origin
    /// and signed-note name. Nil when `baseURL` has no host.
    public var host: String? {
        guard let host = URLComponents(string: baseURL)?.host, !host.isEmpty else { return nil }
        return host
    }
}

/// A certificate authority (Fulcio) or timestamp authority from the root.
public struct CertificateAuthority: Sendable, Equatable {
    /// The `subject` member: organization and common name.
    public struct DistinguishedName: Sendable, Equatable {
        public var organization: String
        public var commonName: String

        public init(organization: String, commonName: String) {
            self.organization = organization
            self.commonName = commonName
        }
    }

    public var subject: DistinguishedName?
    /// Identifies the authority; TSAs with the same URI count once towards thresholds.
    public var uri: String
    /// DER certificates as written: intermediates (or a TSA leaf) first, the root last. Non-empty.
    public var certificates: [Data]
    /// When the authority may be trusted; unbounded when absent.
    public var validFor: ValidityWindow
    /// `operator` (trusted root v0.2), when present.
    public var operatorName: String?

    public init(subject: DistinguishedName? = nil, uri: String, certificates: [Data], validFor: ValidityWindow = .unbounded,
                operatorName: String? = nil) {
        self.subject = subject
        self.uri = uri
        self.certificates = certificates
        self.validFor = validFor
        self.operatorName = operatorName
    }
}
