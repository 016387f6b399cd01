import AirlockJSON
import AirlockCrypto
import Foundation

/// The key or certificate a log entry says verifies its signature.
public enum RekorVerifier: Sendable, Equatable {
    /// A DER X.509 certificate.
    case certificate(Data)
    /// A DER SubjectPublicKeyInfo.
    case publicKey(Data)

    /// From the PEM text of a Rekor v1 body (`CERTIFICATE` or `PUBLIC KEY`).
    public init(pem: String, path: String) throws(FormatError) {
        let block: PEMBlock
        do {
            block = try PEMBlock.first(in: pem)
        } catch {
            throw FormatError("\(path): \(error)")
        }
        switch block.label {
        case "CERTIFICATE": self = .certificate(block.der)
        case "PUBLIC KEY": self = .publicKey(block.der)
        default: throw FormatError("\(path): PEM block \"\(block.label.prefix(40))\" is neither a certificate nor a public key")
        }
    }

    /// The PEM text Rekor v1 stores (Go `pem.Encode` layout).
    public var pem: String {
        switch self {
        case .certificate(let der): PEMBlock(label: "CERTIFICATE", der: der).text
        case .publicKey(let der): PEMBlock(label: "PUBLIC KEY", der: der).text
        }
    }
}

/// A signature recorded in a log entry and the material that verifies it.
public struct RekorSignature: Sendable, Equatable {
    public var signature: Data
    public var verifier: RekorVerifier

    public init(signature: Data, verifier: RekorVerifier) {
        self.signature = signature
        self.verifier = verifier
    }
}

/// Rekor v1 `hashedrekord` 0.0.1 (FORMATS.md §9.1).
public struct HashedRekordV001: Sendable, Equatable {
    public var signature: Data
    /// `spec.signature.content` as written (legacy cosign compares this text byte for byte).
    public var signatureContent: String
    public var verifier: RekorVerifier
    /// `spec.data.hash`: the artifact digest.
    public var dataHash: Digest

    public init(signature: Data, verifier: RekorVerifier, dataHash: Digest) {
        self.signature = signature
        signatureContent = Base64.encode(signature)
        self.verifier = verifier
        self.dataHash = dataHash
    }
}

/// Rekor v1 `dsse` 0.0.1 (FORMATS.md §9.2).
public struct DSSEEntryV001: Sendable, Equatable {
    /// SHA-256 of the envelope JSON as submitted.
    public var envelopeHash: Digest
    /// SHA-256 of the decoded payload (what sigstore-go checks).
    public var payloadHash: Digest
    /// The envelope's signatures (sigstore-go and cosign use the first).
    public var signatures: [RekorSignature]

    public init(envelopeHash: Digest, payloadHash: Digest, signatures: [RekorSignature]) {
        self.envelopeHash = envelopeHash
        self.payloadHash = payloadHash
        self.signatures = signatures
    }
}

/// Rekor v1 `intoto` 0.0.2 (FORMATS.md §9.3); signatures are stored double-base64.
public struct IntotoEntryV002: Sendable, Equatable {
    /// `spec.content.hash`: SHA-256 of the envelope JSON as submitted.
    public var envelopeHash: Digest
    public var payloadHash: Digest
    public var payloadType: String
    public var signatures: [RekorSignature]
}

/// Rekor v2 `hashedrekord` 0.0.2 (FORMATS.md §8.4, §9.4), used for message signatures and for
/// DSSE (digest = H(PAE)).
public struct HashedRekordV002: Sendable, Equatable {
    public var digest: Digest
    public var signature: Data
    public var verifier: RekorVerifier
    public var keyDetails: PublicKeyDetails

    public init(digest: Digest, signature: Data, verifier: RekorVerifier, keyDetails: PublicKeyDetails) {
        self.digest = digest
        self.signature = signature
        self.verifier = verifier
        self.keyDetails = keyDetails
    }
}

/// A decoded `canonicalizedBody`: one of the entry types sigstore-go accepts.
public enum RekorEntryBody: Sendable, Equatable {
    case hashedRekordV001(HashedRekordV001)
    case dsseV001(DSSEEntryV001)
    case intotoV002(IntotoEntryV002)
    case hashedRekordV002(HashedRekordV002)

    public var kind: String {
        switch self {
        case .hashedRekordV001, .hashedRekordV002: "hashedrekord"
        case .dsseV001: "dsse"
        case .intotoV002: "intoto"
        }
    }

    public var apiVersion: String {
        switch self {
        case .hashedRekordV001, .dsseV001: "0.0.1"
        case .intotoV002, .hashedRekordV002: "0.0.2"
        }
    }

    /// Whether the entry comes from a Rekor v2 log.
    public var isRekorV2: Bool {
        if case .hashedRekordV002 = self { return true }
        return false
    }

    /// The signatures the entry records, first one first.
    public var signatures: [RekorSignature] {
        switch self {
        case .hashedRekordV001(let entry): [RekorSignature(signature: entry.signature, verifier: entry.verifier)]
        case .dsseV001(let entry): entry.signatures
        case .intotoV002(let entry): entry.signatures
        case .hashedRekordV002(let entry): [RekorSignature(signature: entry.signature, verifier: entry.verifier)]
        }
    }

    /// Decodes a body. Rekor v2 bodies (protojson `Entry`) are read strictly and only
    /// `hashedRekordV002` is accepted (`dsseV002` is deprecated and refused, as sigstore-go
    /// does); Rekor v1 bodies may be `hashedrekord` 0.0.1, `dsse` 0.0.1 or `intoto` 0.0.2, with
    /// unknown members ignored (Rekor's own models). Anything else is refused, naming it.
    public init(canonicalizedBody: Data) throws(FormatError) {
        let value = try JSONValue.parse(canonicalizedBody, limits: SigstoreBundle.jsonLimits, document: "log entry body")
        if let spec = value["spec"]?.objectValue, spec.contains(where: { $0.key == "hashedRekordV002" || $0.key == "dsseV002" }) {
            self = .hashedRekordV002(try HashedRekordV002(entry: value))
            return
        }
        let entry = try JSONObjectReader(value, path: "log entry body", fields: ["apiVersion", "kind", "spec"],
                                         rejectUnknownFields: false)
        let kind = try entry.requiredString("kind")
        let version = try entry.requiredString("apiVersion")
        switch (kind, version) {
        case ("hashedrekord", "0.0.1"): self = .hashedRekordV001(try HashedRekordV001(spec: entry))
        case ("dsse", "0.0.1"): self = .dsseV001(try DSSEEntryV001(spec: entry))
        case ("intoto", "0.0.2"): self = .intotoV002(try IntotoEntryV002(spec: entry))
        default:
            throw FormatError("log entry body: unsupported entry type \(kind.prefix(40)) \(version.prefix(20)) "
                + "(supported: hashedrekord 0.0.1/0.0.2, dsse 0.0.1, intoto 0.0.2)")
        }
    }
}

// MARK: - Reading

/// A Rekor v1 `{"algorithm": "sha256", "value": "<hex>"}` member.
private func readHash(_ object: JSONObjectReader, _ field: String) throws(FormatError) -> Digest {
    let hash = try object.requiredObject(field, fields: ["algorithm", "value"])
    let algorithm = try hash.requiredString("algorithm")
    do {
        return try Digest(parsing: "\(algorithm):\(try hash.requiredString("value"))")
    } catch {
        throw FormatError("\(hash.path): \(error)")
    }
}

/// A Rekor v1 base64 member whose bytes are PEM text.
private func readPEMVerifier(_ object: JSONObjectReader, _ field: String) throws(FormatError) -> RekorVerifier {
    let pem = try object.requiredBytes(field)
    return try RekorVerifier(pem: String(decoding: pem, as: UTF8.self), path: object.path(of: field))
}

extension HashedRekordV001 {
    fileprivate init(spec entry: JSONObjectReader) throws(FormatError) {
        let spec = try entry.requiredObject("spec", fields: ["data", "signature"])
        let dataHash = try readHash(spec.requiredObject("data", fields: ["hash"]), "hash")
        let signature = try spec.requiredObject("signature", fields: ["content", "publicKey"])
        self.init(signature: try signature.requiredBytes("content"),
                  verifier: try readPEMVerifier(signature.requiredObject("publicKey", fields: ["content"]), "content"),
                  dataHash: dataHash)
        signatureContent = try signature.requiredString("content")
    }
}

extension DSSEEntryV001 {
    fileprivate init(spec entry: JSONObjectReader) throws(FormatError) {
        let spec = try entry.requiredObject("spec", fields: ["envelopeHash", "payloadHash", "signatures", "proposedContent"])
        let signatures = try spec.objects("signatures", fields: ["signature", "verifier"], limit: DSSEEnvelope.maxSignatures)
            .map { (item) throws(FormatError) in
                RekorSignature(signature: try item.requiredBytes("signature"), verifier: try readPEMVerifier(item, "verifier"))
            }
        guard !signatures.isEmpty else { throw FormatError("\(spec.path).signatures: no signature") }
        self.init(envelopeHash: try readHash(spec, "envelopeHash"), payloadHash: try readHash(spec, "payloadHash"),
                  signatures: signatures)
    }
}

extension IntotoEntryV002 {
    fileprivate init(spec entry: JSONObjectReader) throws(FormatError) {
        let spec = try entry.requiredObject("spec", fields: ["content"])
        let content = try spec.requiredObject("content", fields: ["envelope", "hash", "payloadHash"])
        let envelope = try content.requiredObject("envelope", fields: ["payloadType", "payload", "signatures"])
        signatures = try envelope.objects("signatures", fields: ["keyid", "sig", "publicKey"], limit: DSSEEnvelope.maxSignatures)
            .map { (item) throws(FormatError) in
                // `sig` holds the bytes of the base64 signature text: decode twice.
                let text = String(decoding: try item.requiredBytes("sig"), as: UTF8.self)
                guard let signature = Base64.decodeLenient(text), !signature.isEmpty else {
                    throw FormatError("\(item.path(of: "sig")): not base64 of a base64 signature")
                }
                return RekorSignature(signature: signature, verifier: try readPEMVerifier(item, "publicKey"))
            }
        guard !signatures.isEmpty else { throw FormatError("\(envelope.path).signatures: no signature") }
        payloadType = try envelope.requiredString("payloadType")
        envelopeHash = try readHash(content, "hash")
        payloadHash = try readHash(content, "payloadHash")
    }
}

extension HashedRekordV002 {
    fileprivate init(entry value: JSONValue) throws(FormatError) {
        let entry = try JSONObjectReader(value, path: "log entry body", fields: ["kind", "apiVersion", "spec"])
        let spec = try entry.requiredObject("spec", fields: ["hashedRekordV002", "dsseV002"])
        guard !spec.contains("dsseV002") else {
            throw FormatError("log entry body: Rekor v2 dsse 0.0.2 entries are deprecated and not supported (as in sigstore-go)")
        }
        guard try entry.string("kind") == "hashedrekord", try entry.string("apiVersion") == "0.0.2" else {
            throw FormatError("log entry body: a hashedRekordV002 spec needs kind hashedrekord and apiVersion 0.0.2")
        }
        let body = try spec.requiredObject("hashedRekordV002", fields: ["data", "signature"])
        let data = try body.requiredObject("data", fields: ["algorithm", "digest"])
        guard let algorithm = try data.enumeration("algorithm", DigestAlgorithm.protoCases) else { throw data.missing("algorithm") }
        let digest = try data.requiredBytes("digest")
        guard digest.count == algorithm.byteCount else {
            throw FormatError("\(data.path(of: "digest")): \(digest.count) bytes, \(algorithm.protoName) needs \(algorithm.byteCount)")
        }
        let signature = try body.requiredObject("signature", fields: ["content", "verifier"])
        let verifier = try signature.requiredObject("verifier", fields: ["publicKey", "x509Certificate", "keyDetails"])
        let material: RekorVerifier
        switch (try verifier.object("publicKey", fields: ["rawBytes"]), try verifier.object("x509Certificate", fields: ["rawBytes"])) {
        case (let key?, nil): material = .publicKey(try key.requiredBytes("rawBytes"))
        case (nil, let certificate?): material = .certificate(try certificate.requiredBytes("rawBytes"))
        default: throw FormatError("\(verifier.path): exactly one of publicKey and x509Certificate is required")
        }
        guard let details = try verifier.enumeration("keyDetails", PublicKeyDetails.protoCases) else {
            throw verifier.missing("keyDetails")
        }
        self.init(digest: Digest(algorithm: algorithm, bytes: digest), signature: try signature.requiredBytes("content"),
                  verifier: material, keyDetails: details)
    }
}
