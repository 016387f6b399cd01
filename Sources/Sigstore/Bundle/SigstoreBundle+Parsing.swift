import AirlockJSON
import AirlockCrypto
import Foundation

extension SigstoreBundle {
    /// Parses bundle JSON (protojson: lowerCamelCase or snake_case names, int64 as strings or
    /// numbers, bytes as standard or URL-safe base64, enums by name or number).
    ///
    /// Strict like sigstore-go: **unknown fields are an error** (protojson's default), and so are
    /// an unsupported media type, both or neither of `messageSignature`/`dsseEnvelope`, not exactly
    /// one of `publicKey`/`x509CertificateChain`/`certificate`, an empty chain or certificate, a
    /// DSSE envelope without exactly one signature, v0.1 entries without an inclusion promise,
    /// v0.2+ entries without an inclusion proof, a v0.3 `x509CertificateChain` (unless
    /// `allowCertificateChain`, cosign's `--allow-certificate-chain`), more than 32 tlog entries or
    /// timestamps, and two entries with the same (logId, logIndex).
    public init(json data: Data, allowCertificateChain: Bool = false) throws(FormatError) {
        try self.init(JSONValue.parse(data, limits: Self.jsonLimits, document: "bundle"), allowCertificateChain: allowCertificateChain)
    }

    /// Parses a blob's bundle: a Sigstore bundle, or cosign's legacy blob bundle
    /// (`LegacyBlobBundle`), which is read as v0.1 and may take a `detachedTimestamp` (DER RFC
    /// 3161 token); a Sigstore bundle carries its own timestamps and takes none.
    public static func blobBundle(json data: Data, detachedTimestamp: Data? = nil) throws(FormatError) -> SigstoreBundle {
        let value = try JSONValue.parse(data, limits: jsonLimits, document: "bundle")
        guard LegacyBlobBundle.matches(value) else {
            guard detachedTimestamp == nil else {
                throw FormatError("bundle: a Sigstore bundle carries its own timestamps; a detached RFC 3161 timestamp goes with a detached signature or a legacy blob bundle")
            }
            return try SigstoreBundle(value)
        }
        var bundle = try LegacyBlobBundle.bundle(value)
        if let detachedTimestamp { bundle.verificationMaterial.rfc3161Timestamps.append(detachedTimestamp) }
        return bundle
    }

    /// Reads a bundle from parsed JSON; see `init(json:allowCertificateChain:)`.
    public init(_ value: JSONValue, allowCertificateChain: Bool = false) throws(FormatError) {
        let root = try JSONObjectReader(value, path: "bundle",
                                        fields: ["mediaType", "verificationMaterial", "messageSignature", "dsseEnvelope"])
        version = try BundleVersion(mediaType: root.requiredString("mediaType"))
        let material = try root.requiredObject("verificationMaterial", fields: [
            "publicKey", "x509CertificateChain", "certificate", "tlogEntries", "timestampVerificationData",
        ])
        verificationMaterial = try VerificationMaterial(
            signer: Self.readSigner(material),
            tlogEntries: material.objects("tlogEntries", fields: Self.tlogEntryFields, limit: Self.maxTlogEntries)
                .map { (entry) throws(FormatError) in try Self.readTlogEntry(entry) },
            rfc3161Timestamps: Self.readTimestamps(material))
        content = try Self.readContent(root)
        try checkVersionRules(allowCertificateChain: allowCertificateChain)
    }

    private func checkVersionRules(allowCertificateChain: Bool) throws(FormatError) {
        let entries = verificationMaterial.tlogEntries
        if version < .v0_2 {
            if entries.contains(where: { $0.inclusionPromise == nil }) {
                throw FormatError("bundle: a tlog entry has no inclusion promise (required in bundle v0.1)")
            }
        } else if entries.contains(where: { $0.inclusionProof == nil }) {
            throw FormatError("bundle: a tlog entry has no inclusion proof (required since bundle v0.2)")
        }
        if version >= .v0_3, case .x509CertificateChain = verificationMaterial.signer, !allowCertificateChain {
            throw FormatError("bundle: v0.3 bundles must carry a single certificate, not an x509CertificateChain")
        }
        var seen = Set<String>()
        for entry in entries where !seen.insert("\(entry.logID.lowercaseHex)/\(entry.logIndex)").inserted {
            throw FormatError("bundle: two tlog entries share log ID \(entry.logID.lowercaseHex) and index \(entry.logIndex)")
        }
    }

    private static func readSigner(_ material: JSONObjectReader) throws(FormatError) -> VerificationMaterial.Signer {
        let present = ["publicKey", "x509CertificateChain", "certificate"].filter { material.contains($0) }
        guard present.count == 1 else {
            throw FormatError(present.isEmpty
                ? "\(material.path): no publicKey, x509CertificateChain or certificate"
                : "\(material.path): more than one of publicKey, x509CertificateChain, certificate")
        }
        if let key = try material.object("publicKey", fields: ["hint"]) {
            return .publicKey(hint: try key.string("hint") ?? "")
        }
        if let chain = try material.object("x509CertificateChain", fields: ["certificates"]) {
            let certificates = try chain.objects("certificates", fields: ["rawBytes"], limit: maxChainCertificates)
                .map { (certificate) throws(FormatError) in try certificate.requiredBytes("rawBytes") }
            guard !certificates.isEmpty else { throw FormatError("\(chain.path).certificates: the chain is empty") }
            return .x509CertificateChain(certificates)
        }
        let certificate = try material.requiredObject("certificate", fields: ["rawBytes"])
        return .certificate(try certificate.requiredBytes("rawBytes"))
    }

    static let tlogEntryFields = [
        "logIndex", "logId", "kindVersion", "integratedTime", "inclusionPromise", "inclusionProof", "canonicalizedBody",
    ]

    private static func readTlogEntry(_ entry: JSONObjectReader) throws(FormatError) -> TransparencyLogEntry {
        let kindVersion = try entry.requiredObject("kindVersion", fields: ["kind", "version"])
        let kind = try kindVersion.requiredString("kind")
        let version = try kindVersion.requiredString("version")
        guard !kind.isEmpty, !version.isEmpty else { throw FormatError("\(kindVersion.path): kind and version are required") }
        let promise = try entry.object("inclusionPromise", fields: ["signedEntryTimestamp"])
        return TransparencyLogEntry(
            logIndex: try nonNegative(entry, "logIndex"),
            logID: try entry.requiredObject("logId", fields: ["keyId"]).requiredBytes("keyId"),
            kind: kind,
            kindVersion: version,
            integratedTime: try nonNegative(entry, "integratedTime"),
            inclusionPromise: try promise.map { (promise) throws(FormatError) in try promise.bytes("signedEntryTimestamp") ?? Data() },
            inclusionProof: try entry.object("inclusionProof", fields: ["logIndex", "rootHash", "treeSize", "hashes", "checkpoint"])
                .map { (proof) throws(FormatError) in try readInclusionProof(proof) },
            canonicalizedBody: try entry.requiredBytes("canonicalizedBody"))
    }

    private static func readInclusionProof(_ proof: JSONObjectReader) throws(FormatError) -> InclusionProof {
        let checkpoint = try proof.requiredObject("checkpoint", fields: ["envelope"]).requiredString("envelope")
        guard !checkpoint.isEmpty else { throw FormatError("\(proof.path).checkpoint.envelope: the checkpoint is empty") }
        return InclusionProof(logIndex: try nonNegative(proof, "logIndex"),
                              rootHash: try proof.requiredBytes("rootHash"),
                              treeSize: try nonNegative(proof, "treeSize"),
                              hashes: try proof.bytesArray("hashes", limit: maxProofHashes),
                              checkpoint: checkpoint)
    }

    private static func nonNegative(_ object: JSONObjectReader, _ field: String) throws(FormatError) -> Int64 {
        let value = try object.int64(field) ?? 0
        guard value >= 0 else { throw FormatError("\(object.path(of: field)): must not be negative") }
        return value
    }

    private static func readTimestamps(_ material: JSONObjectReader) throws(FormatError) -> [Data] {
        guard let data = try material.object("timestampVerificationData", fields: ["rfc3161Timestamps"]) else { return [] }
        return try data.objects("rfc3161Timestamps", fields: ["signedTimestamp"], limit: maxTimestamps)
            .map { (timestamp) throws(FormatError) in try timestamp.requiredBytes("signedTimestamp") }
    }

    private static func readContent(_ root: JSONObjectReader) throws(FormatError) -> BundleContent {
        switch (root.value("messageSignature"), root.value("dsseEnvelope")) {
        case (nil, nil):
            throw FormatError("bundle: no messageSignature or dsseEnvelope")
        case (.some, .some):
            throw FormatError("bundle: both messageSignature and dsseEnvelope are present")
        case (.some, nil):
            let message = try root.requiredObject("messageSignature", fields: ["messageDigest", "signature"])
            return .messageSignature(MessageSignature(messageDigest: try readDigest(message),
                                                      signature: try message.requiredBytes("signature")))
        case (nil, .some(let value)):
            let envelope = try DSSEEnvelope(value, path: root.path(of: "dsseEnvelope"), rejectUnknownFields: true)
            guard envelope.signatures.count == 1 else {
                throw FormatError("bundle.dsseEnvelope: \(envelope.signatures.count) signatures, a bundle needs exactly one")
            }
            return .dsseEnvelope(envelope)
        }
    }

    private static func readDigest(_ message: JSONObjectReader) throws(FormatError) -> Digest? {
        guard let digest = try message.object("messageDigest", fields: ["algorithm", "digest"]) else { return nil }
        guard let algorithm = try digest.enumeration("algorithm", DigestAlgorithm.protoCases) else {
            throw digest.missing("algorithm")
        }
        let bytes = try digest.requiredBytes("digest")
        guard bytes.count == algorithm.byteCount else {
            throw FormatError("\(digest.path(of: "digest")): \(bytes.count) bytes, \(algorithm.protoName) needs \(algorithm.byteCount)")
        }
        return Digest(algorithm: algorithm, bytes: bytes)
    }
}
