import AirlockJSON
import AirlockCrypto
import Foundation

/// RFC 8785 bytes of an entry body; only strings appear, so canonicalisation cannot fail.
private func canonical(_ body: JSONValue) -> Data {
    (try? body.canonicalJSON()) ?? Data()
}

private func hashValue(_ digest: Digest) -> JSONValue {
    ["algorithm": .string(digest.algorithm.rawValue), "value": .string(digest.hex)]
}

extension HashedRekordV001 {
    /// The canonical body Rekor v1 logs for this entry (JCS, PEM in Go's layout).
    public var canonicalBody: Data {
        canonical([
            "apiVersion": "0.0.1",
            "kind": "hashedrekord",
            "spec": [
                "data": ["hash": hashValue(dataHash)],
                "signature": [
                    "content": .string(signatureContent),
                    "publicKey": ["content": .string(Base64.encode(Data(verifier.pem.utf8)))],
                ],
            ],
        ])
    }
}

extension DSSEEntryV001 {
    /// The entry Rekor v1 records for an envelope as submitted (`envelopeJSON`, exact bytes),
    /// every signature verified by `verifier`.
    public init(envelopeJSON: Data, envelope: DSSEEnvelope, verifier: RekorVerifier) {
        self.init(envelopeHash: Digest.of(envelopeJSON), payloadHash: Digest.of(envelope.payload),
                  signatures: envelope.signatures.map { RekorSignature(signature: $0.signature, verifier: verifier) })
    }

    /// The canonical body Rekor v1 logs (JCS; signatures sorted by their base64 text).
    public var canonicalBody: Data {
        let items = signatures
            .map { (text: Base64.encode($0.signature), verifier: $0.verifier) }
            .sorted { $0.text < $1.text }
            .map { item -> JSONValue in
                ["signature": .string(item.text), "verifier": .string(Base64.encode(Data(item.verifier.pem.utf8)))]
            }
        return canonical([
            "apiVersion": "0.0.1",
            "kind": "dsse",
            "spec": [
                "envelopeHash": hashValue(envelopeHash),
                "payloadHash": hashValue(payloadHash),
                "signatures": .array(items),
            ],
        ])
    }
}

extension HashedRekordV002 {
    /// Rebuilds the Rekor v2 leaf from a bundle the way sigstore-go does instead of trusting
    /// `canonicalizedBody` (FORMATS.md §8.4): the bundle signature; the verifier found for it
    /// (the leaf certificate, or the trusted key's SPKI); key details = the default for
    /// `keyAlgorithm` (Ed25519 → `PKIX_ED25519_PH`); digest = `messageDigest`, or for DSSE
    /// H(PAE(payloadType, payload)), with H the key details' hash.
    public init(rebuildingFrom bundle: SigstoreBundle, verifier: RekorVerifier, keyAlgorithm: KeyAlgorithm) throws(FormatError) {
        let details = try PublicKeyDetails(defaultFor: keyAlgorithm, ed25519Prehashed: true)
        guard let hash = details.signatureScheme.hash else {
            throw FormatError("Rekor v2 entries cannot use \(details.rawValue)")
        }
        let digest: Digest
        switch bundle.content {
        case .messageSignature(let message):
            guard let messageDigest = message.messageDigest else {
                throw FormatError("bundle.messageSignature: a Rekor v2 entry needs the messageDigest")
            }
            guard messageDigest.algorithm == hash else {
                throw FormatError("bundle.messageSignature: digest \(messageDigest.algorithm.protoName) does not match the \(hash.protoName) of \(details.rawValue)")
            }
            digest = messageDigest
        case .dsseEnvelope(let envelope):
            digest = Digest.of(envelope.pae, algorithm: hash)
        }
        self.init(digest: digest, signature: bundle.content.signature, verifier: verifier, keyDetails: details)
    }

    /// The leaf bytes: JCS of the protojson `Entry`.
    public var canonicalBody: Data {
        let material: (key: String, value: JSONValue) = switch verifier {
        case .certificate(let der): (key: "x509Certificate", value: ["rawBytes": .string(Base64.encode(der))])
        case .publicKey(let der): (key: "publicKey", value: ["rawBytes": .string(Base64.encode(der))])
        }
        return canonical([
            "apiVersion": "0.0.2",
            "kind": "hashedrekord",
            "spec": [
                "hashedRekordV002": [
                    "data": ["algorithm": .string(digest.algorithm.protoName), "digest": .string(Base64.encode(digest.bytes))],
                    "signature": [
                        "content": .string(Base64.encode(signature)),
                        "verifier": .object([material, (key: "keyDetails", value: .string(keyDetails.rawValue))]),
                    ],
                ],
            ],
        ])
    }
}
