import AirlockJSON
import AirlockCrypto
import Foundation

/// cosign's pre-protobuf blob bundle, `LocalSignedPayload` (FORMATS.md §7.3): what
/// `cosign sign-blob --bundle` wrote before `--new-bundle-format` became the default,
/// `{"base64Signature": …, "cert": base64 of a PEM certificate or public key, "rekorBundle":
/// {"SignedEntryTimestamp": …, "Payload": {…}}}`.
///
/// It is read as a v0.1 bundle holding a message signature, the certificate (a public key
/// leaves the signer to `--key`) and one Rekor v1 entry with only its SET, so that the same
/// verifier checks it. The message digest is taken from the hashedrekord entry as a hint: the
/// verifier binds it to the entry and then to the artifact's own digest. Unknown fields are
/// refused.
public enum LegacyBlobBundle {
    private static let fields = ["base64Signature", "cert", "rekorBundle"]

    /// Whether `value` has the shape of a legacy blob bundle rather than a Sigstore bundle.
    public static func matches(_ value: JSONValue) -> Bool {
        value["mediaType"] == nil && value["base64Signature"] != nil
    }

    /// Reads a legacy blob bundle as a v0.1 Sigstore bundle.
    public static func bundle(_ value: JSONValue) throws(FormatError) -> SigstoreBundle {
        let root = try JSONObjectReader(value, path: "legacy bundle", fields: fields)
        let signature = try root.requiredBytes("base64Signature")
        guard !signature.isEmpty else { throw FormatError("legacy bundle: base64Signature is empty") }
        let signer = try root.bytes("cert").map { (pem) throws(FormatError) in try Self.signer(pem) } ?? .publicKey(hint: "")
        let entries = try root.value("rekorBundle").map { (rekorBundle) throws(FormatError) in
            [try LegacySignatureBundle.tlogEntry(rekorBundle, path: root.path(of: "rekorBundle"))]
        } ?? []
        let digest = entries.first.flatMap { entry -> Digest? in
            guard case .hashedRekordV001(let record)? = try? RekorEntryBody(canonicalizedBody: entry.canonicalizedBody) else { return nil }
            return record.dataHash
        }
        return SigstoreBundle(version: .v0_1,
                              verificationMaterial: VerificationMaterial(signer: signer, tlogEntries: entries),
                              content: .messageSignature(MessageSignature(messageDigest: digest, signature: signature)))
    }

    /// cosign's detached timestamp file (`sign-blob --rfc3161-timestamp`, FORMATS.md §7.3):
    /// `{"SignedRFC3161Timestamp": base64 DER}`; returns the DER.
    public static func detachedTimestamp(json data: Data) throws(FormatError) -> Data {
        try LegacySignatureBundle.timestamp(String(decoding: data, as: UTF8.self))
    }

    /// `cert`: one PEM certificate, or a PEM public key (the verification key then comes from the caller).
    private static func signer(_ pem: Data) throws(FormatError) -> VerificationMaterial.Signer {
        switch try RekorVerifier(pem: String(decoding: pem, as: UTF8.self), path: "legacy bundle.cert") {
        case .certificate(let der): .certificate(der)
        case .publicKey: .publicKey(hint: "")
        }
    }
}
