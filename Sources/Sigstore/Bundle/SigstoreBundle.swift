import AirlockJSON
import AirlockCrypto
import Foundation

/// A Sigstore bundle v0.1–v0.3 (FORMATS.md §7.1–7.2): the signature, the material that verifies
/// it, and the transparency-log and timestamp evidence. Certificates stay DER `Data` here.
public struct SigstoreBundle: Sendable, Equatable {
    public var version: BundleVersion
    public var verificationMaterial: VerificationMaterial
    public var content: BundleContent

    public init(version: BundleVersion, verificationMaterial: VerificationMaterial, content: BundleContent) {
        self.version = version
        self.verificationMaterial = verificationMaterial
        self.content = content
    }

    /// Most tlog entries and RFC 3161 timestamps accepted (as sigstore-go).
    public static let maxTlogEntries = 32
    public static let maxTimestamps = 32
    /// Most certificates accepted in an `x509CertificateChain`.
    public static let maxChainCertificates = 32
    /// Most hashes accepted in an inclusion proof (a tree of 2^63 leaves needs 63).
    public static let maxProofHashes = 64
    /// JSON limits for bundles: 64 MiB (DSSE payloads can be large), depth 64.
    public static let jsonLimits = JSONLimits(maxBytes: 64 << 20, maxDepth: 64)
}

/// The bundle format versions airlock reads; it writes v0.3.
public enum BundleVersion: String, Sendable, Comparable, CaseIterable {
    case v0_1 = "0.1"
    case v0_2 = "0.2"
    case v0_3 = "0.3"

    /// The media type airlock writes for this version (`application/vnd.dev.sigstore.bundle.v0.3+json`
    /// for v0.3, the `+json;version=0.x` spelling before).
    public var mediaType: String {
        switch self {
        case .v0_3: "application/vnd.dev.sigstore.bundle.v0.3+json"
        default: "application/vnd.dev.sigstore.bundle+json;version=\(rawValue)"
        }
    }

    /// The version a bundle media type names. Like sigstore-go: the `+json;version=0.x` form for
    /// 0.1–0.3, and `bundle.v<semver>+json` (a patch level such as `v0.3.1` counts as its minor).
    /// Later versions and other strings are refused with a message saying which.
    public init(mediaType: String) throws(FormatError) {
        let legacyPrefix = "application/vnd.dev.sigstore.bundle+json;version="
        let prefix = "application/vnd.dev.sigstore.bundle.v"
        var version: String
        if mediaType.hasPrefix(legacyPrefix) {
            version = String(mediaType.dropFirst(legacyPrefix.count))
        } else if mediaType.hasPrefix(prefix), mediaType.hasSuffix("+json"), mediaType.count > prefix.count + 5 {
            version = String(mediaType.dropFirst(prefix.count).dropLast("+json".count))
            let parts = version.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count == 3, !parts[2].isEmpty, parts[2].allSatisfy(\.isASCII), parts[2].allSatisfy(\.isNumber) {
                version = parts[0] + "." + parts[1]
            }
        } else {
            throw FormatError("bundle: unsupported media type \"\(mediaType.prefix(100))\"")
        }
        guard let known = BundleVersion(rawValue: version) else {
            throw FormatError("bundle: version \"\(version.prefix(20))\" is not supported (airlock reads bundle versions 0.1, 0.2 and 0.3)")
        }
        self = known
    }

    private var ordinal: Int {
        switch self {
        case .v0_1: 1
        case .v0_2: 2
        case .v0_3: 3
        }
    }

    public static func < (lhs: BundleVersion, rhs: BundleVersion) -> Bool { lhs.ordinal < rhs.ordinal }
}

/// What a bundle signs: a message signature over an artifact, or a DSSE envelope.
public enum BundleContent: Sendable, Equatable {
    case messageSignature(MessageSignature)
    /// An envelope with exactly one signature.
    case dsseEnvelope(DSSEEnvelope)

    /// The signature bytes (of the message, or of the envelope's only signature).
    public var signature: Data {
        switch self {
        case .messageSignature(let message): message.signature
        case .dsseEnvelope(let envelope): envelope.signatures.first?.signature ?? Data()
        }
    }
}

/// A signature over an artifact, with the artifact's digest as an unauthenticated hint.
public struct MessageSignature: Sendable, Equatable {
    /// The artifact digest the bundle claims (to be recomputed and compared by the verifier).
    public var messageDigest: Digest?
    public var signature: Data

    public init(messageDigest: Digest?, signature: Data) {
        self.messageDigest = messageDigest
        self.signature = signature
    }
}

/// The signer's material and the evidence gathered about the signature.
public struct VerificationMaterial: Sendable, Equatable {
    /// Who signed: exactly one of these.
    public enum Signer: Sendable, Equatable {
        /// A key known to the verifier; the hint is opaque (cosign writes b64(SHA-256(SPKI))).
        case publicKey(hint: String)
        /// DER certificates, leaf first (v0.1/v0.2; sigstore-go uses only the leaf).
        case x509CertificateChain([Data])
        /// The DER leaf certificate (v0.3).
        case certificate(Data)

        /// The DER leaf certificate, if the signer is a certificate.
        public var leafCertificate: Data? {
            switch self {
            case .publicKey: nil
            case .x509CertificateChain(let chain): chain.first
            case .certificate(let certificate): certificate
            }
        }
    }

    public var signer: Signer
    public var tlogEntries: [TransparencyLogEntry]
    /// DER `TimeStampResp` values (RFC 3161 signed timestamps).
    public var rfc3161Timestamps: [Data]

    public init(signer: Signer, tlogEntries: [TransparencyLogEntry] = [], rfc3161Timestamps: [Data] = []) {
        self.signer = signer
        self.tlogEntries = tlogEntries
        self.rfc3161Timestamps = rfc3161Timestamps
    }
}

/// One transparency-log entry of a bundle (protobuf `TransparencyLogEntry`).
public struct TransparencyLogEntry: Sendable, Equatable {
    /// The entry's index in the log: global for Rekor v1 (used in the SET); for Rekor v2 also
    /// the Merkle leaf index.
    public var logIndex: Int64
    /// The log ID (`logId.keyId`), looked up in the trusted root by its bytes.
    public var logID: Data
    public var kind: String
    public var kindVersion: String
    /// Unix seconds; 0 when absent (Rekor v2).
    public var integratedTime: Int64
    /// The signed entry timestamp (`inclusionPromise.signedEntryTimestamp`), when present.
    public var inclusionPromise: Data?
    public var inclusionProof: InclusionProof?
    /// The entry body exactly as logged (Rekor v1 Merkle leaf).
    public var canonicalizedBody: Data

    public init(logIndex: Int64, logID: Data, kind: String, kindVersion: String, integratedTime: Int64,
                inclusionPromise: Data?, inclusionProof: InclusionProof?, canonicalizedBody: Data) {
        self.logIndex = logIndex
        self.logID = logID
        self.kind = kind
        self.kindVersion = kindVersion
        self.integratedTime = integratedTime
        self.inclusionPromise = inclusionPromise
        self.inclusionProof = inclusionProof
        self.canonicalizedBody = canonicalizedBody
    }
}

/// A Merkle inclusion proof with the checkpoint it leads to.
public struct InclusionProof: Sendable, Equatable {
    /// The leaf index in the tree the proof is for (Rekor v1: the shard-local index).
    public var logIndex: Int64
    public var rootHash: Data
    public var treeSize: Int64
    /// Sibling hashes, leaf to root.
    public var hashes: [Data]
    /// The signed checkpoint note (`checkpoint.envelope`).
    public var checkpoint: String

    public init(logIndex: Int64, rootHash: Data, treeSize: Int64, hashes: [Data], checkpoint: String) {
        self.logIndex = logIndex
        self.rootHash = rootHash
        self.treeSize = treeSize
        self.hashes = hashes
        self.checkpoint = checkpoint
    }
}
