import AirlockJSON
import AirlockCrypto
import Foundation

/// A cosign legacy annotation signature (a `.sig` or `.att` layer, FORMATS.md §3.3, §8.8)
/// rewritten as a v0.1-style bundle, so that the same verifier checks it: a message signature
/// over the layer bytes (digest = SHA-256 of the layer) or the layer's DSSE envelope; the
/// certificate and chain annotations as `x509CertificateChain`; one tlog entry from the
/// `dev.sigstore.cosign/bundle` annotation with only its inclusion promise; the
/// `rfc3161timestamp` annotation as a signed timestamp.
///
/// Verify simple-signing layers with artifact `.bytes(layer)` (then check the payload's claims
/// yourself) and attestations with the image digest (`.digest`), through
/// `SigstoreVerifier.verify(_:artifact:policy:)` for this type, which also accepts an
/// attestation timestamp over the envelope JSON (what cosign ≤ 2 stamped) besides one over the
/// signature. Checks follow sigstore-go, not cosign's legacy verifier: the chain is validated at
/// the trusted times, the SAN precedence and issuer rules are those of §8.6.
public struct LegacySignatureBundle: Sendable {
    public let bundle: SigstoreBundle
    /// Bytes besides the signature an RFC 3161 timestamp may cover (the layer of an attestation).
    public let alternativeTimestampedBytes: Data?

    /// The most bytes a layer may have (cosign's default `COSIGN_MAX_ATTACHMENT_SIZE`).
    public static let maxLayerSize = 128 << 20

    /// Reads one layer and its annotations (the values of `dev.cosignproject.cosign/signature`,
    /// `dev.sigstore.cosign/certificate`, `…/chain`, `…/bundle`, `…/rfc3161timestamp`). An empty
    /// `signature` marks an attestation, whose layer is a DSSE envelope with one signature.
    public init(layer: Data, signature: String, certificate: String? = nil, chain: String? = nil,
                rekorBundle: String? = nil, rfc3161Timestamp: String? = nil) throws(FormatError) {
        guard layer.count <= Self.maxLayerSize else { throw FormatError("legacy signature: the layer exceeds \(Self.maxLayerSize) bytes") }
        let content: BundleContent
        if signature.isEmpty {
            let envelope = try DSSEEnvelope(json: layer, limits: JSONLimits(maxBytes: Self.maxLayerSize, maxDepth: 64))
            guard envelope.signatures.count == 1 else {
                throw FormatError("legacy attestation: \(envelope.signatures.count) signatures in the envelope, exactly one expected")
            }
            content = .dsseEnvelope(envelope)
            alternativeTimestampedBytes = layer
        } else {
            guard let bytes = Base64.decodeLenient(signature.trimmingCharacters(in: .whitespacesAndNewlines)), !bytes.isEmpty else {
                throw FormatError("legacy signature: the signature annotation is not base64")
            }
            content = .messageSignature(MessageSignature(messageDigest: Digest.of(layer), signature: bytes))
            alternativeTimestampedBytes = nil
        }
        let signer: VerificationMaterial.Signer
        if let certificate, !certificate.isEmpty {
            let leaf = try Self.certificates(certificate, what: "certificate")
            guard leaf.count == 1 else { throw FormatError("legacy signature: the certificate annotation holds \(leaf.count) certificates") }
            let rest = try chain.map { (text) throws(FormatError) in text.isEmpty ? [] : try Self.certificates(text, what: "chain") } ?? []
            signer = .x509CertificateChain(leaf + rest)
        } else {
            signer = .publicKey(hint: "")
        }
        let entries = try rekorBundle.map { (text) throws(FormatError) in [try Self.tlogEntry(text)] } ?? []
        let timestamps = try rfc3161Timestamp.map { (text) throws(FormatError) in [try Self.timestamp(text)] } ?? []
        bundle = SigstoreBundle(version: .v0_1, verificationMaterial: VerificationMaterial(signer: signer, tlogEntries: entries,
                                                                                       rfc3161Timestamps: timestamps),
                                content: content)
    }

    private static func certificates(_ pem: String, what: String) throws(FormatError) -> [Data] {
        do {
            let blocks = try PEMBlock.parseAll(pem)
            guard !blocks.isEmpty, blocks.allSatisfy({ $0.label == "CERTIFICATE" }) else {
                throw FormatError("legacy signature: the \(what) annotation is not PEM certificates")
            }
            return blocks.map(\.der)
        } catch let error as FormatError {
            throw error
        } catch {
            throw FormatError("legacy signature: the \(what) annotation: \(error)")
        }
    }

    /// The `RekorBundle` annotation: `{"SignedEntryTimestamp": b64, "Payload": {"body": b64,
    /// "integratedTime": n, "logIndex": n, "logID": hex}}`, keys matched case-insensitively as Go does.
    static func tlogEntry(_ text: String) throws(FormatError) -> TransparencyLogEntry {
        let path = "legacy signature: the bundle annotation"
        return try tlogEntry(parse(text, path: path), path: path)
    }

    /// A parsed `RekorBundle` (see `tlogEntry(_:)`) as a tlog entry with only its SET.
    static func tlogEntry(_ root: JSONValue, path: String) throws(FormatError) -> TransparencyLogEntry {
        guard let set = member(root, "SignedEntryTimestamp")?.stringValue.flatMap(Base64.decodeLenient),
              let payload = member(root, "Payload"),
              let body = member(payload, "body")?.stringValue.flatMap(Base64.decodeLenient),
              let integratedTime = member(payload, "integratedTime")?.int64Value,
              let logIndex = member(payload, "logIndex")?.int64Value,
              let logIDText = member(payload, "logID")?.stringValue,
              let logID = Data(lowercaseHex: logIDText.lowercased()) else {
            throw FormatError("\(path): SignedEntryTimestamp and Payload {body, integratedTime, logIndex, logID} are required")
        }
        guard integratedTime >= 0, logIndex >= 0 else { throw FormatError("\(path): negative integratedTime or logIndex") }
        let entryBody = try parse(String(decoding: body, as: UTF8.self), path: "\(path): body")
        guard let kind = entryBody["kind"]?.stringValue, let version = entryBody["apiVersion"]?.stringValue,
              !kind.isEmpty, !version.isEmpty else {
            throw FormatError("\(path): the entry body has no kind and apiVersion")
        }
        return TransparencyLogEntry(logIndex: logIndex, logID: logID, kind: kind, kindVersion: version,
                                    integratedTime: integratedTime, inclusionPromise: set, inclusionProof: nil,
                                    canonicalizedBody: body)
    }

    /// `{"SignedRFC3161Timestamp": b64}`.
    static func timestamp(_ text: String) throws(FormatError) -> Data {
        let path = "legacy signature: the rfc3161timestamp annotation"
        guard let der = member(try parse(text, path: path), "SignedRFC3161Timestamp")?.stringValue.flatMap(Base64.decodeLenient),
              !der.isEmpty else {
            throw FormatError("\(path): SignedRFC3161Timestamp is required")
        }
        return der
    }

    private static func parse(_ text: String, path: String) throws(FormatError) -> JSONValue {
        try JSONValue.parse(Data(text.utf8), limits: SigstoreBundle.jsonLimits, document: path)
    }

    /// The member whose key equals `name` ignoring ASCII case (Go's `encoding/json` rule).
    private static func member(_ object: JSONValue, _ name: String) -> JSONValue? {
        object.objectValue?.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

extension SigstoreVerifier {
    /// Verifies a legacy annotation signature; see `LegacySignatureBundle`.
    public func verify(_ legacy: LegacySignatureBundle, artifact: VerificationArtifact, policy: SignerPolicy) -> VerificationResult {
        verify(legacy.bundle, artifact: artifact, policy: policy,
               alternativeTimestampedBytes: legacy.alternativeTimestampedBytes.map { [$0] } ?? [])
    }
}
