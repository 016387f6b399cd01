import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore

/// The annotations cosign writes on a legacy `.sig` / `.att` layer (FORMATS.md §3.3), keyed by
/// their annotation names, with the layer bytes they sign.
public struct LegacyAnnotations: Sendable {
    public static let signatureKey = "dev.cosignproject.cosign/signature"
    public static let certificateKey = "dev.sigstore.cosign/certificate"
    public static let chainKey = "dev.sigstore.cosign/chain"
    public static let bundleKey = "dev.sigstore.cosign/bundle"
    public static let timestampKey = "dev.sigstore.cosign/rfc3161timestamp"

    /// The layer blob: the signed artifact (simple signing) or the DSSE envelope JSON.
    public let layer: Data
    public let annotations: [String: String]
}

extension KitBundle {
    /// This bundle as cosign's legacy layer: the message signature over the artifact (which
    /// then plays the simple-signing payload) or the DSSE envelope; certificate and chain PEM;
    /// the Rekor v1 entry as a `RekorBundle` (SET only); the timestamp. Rekor v2 entries have
    /// no legacy form and are refused.
    public func legacyAnnotations(chain: [Certificate]) throws -> LegacyAnnotations {
        var annotations: [String: String] = [:]
        let layer: Data
        switch bundle.content {
        case .messageSignature(let message):
            layer = artifact
            annotations[LegacyAnnotations.signatureKey] = Base64.encode(message.signature)
        case .dsseEnvelope(let envelope):
            layer = envelope.encoded()
            annotations[LegacyAnnotations.signatureKey] = ""
        }
        if let certificate {
            annotations[LegacyAnnotations.certificateKey] = certificate.pem
            annotations[LegacyAnnotations.chainKey] = chain.map(\.pem).joined()
        }
        if let rekorBundle = try rekorBundle() {
            annotations[LegacyAnnotations.bundleKey] = rekorBundle.serializedString(escaping: .goHTMLSafe)
        }
        if let timestamp = bundle.verificationMaterial.rfc3161Timestamps.first {
            annotations[LegacyAnnotations.timestampKey] =
                JSONValue.object([(key: "SignedRFC3161Timestamp", value: .string(Base64.encode(timestamp)))]).serializedString()
        }
        return LegacyAnnotations(layer: layer, annotations: annotations)
    }
}

extension KitBundle {
    /// This bundle as cosign's legacy blob bundle (`cosign sign-blob --bundle` before
    /// `--new-bundle-format`, FORMATS.md §7.3): `base64Signature`, `cert` (base64 of the
    /// certificate PEM, or of the public key PEM when key-signed) and `rekorBundle`. Only message
    /// signatures with a Rekor v1 entry (or none) have this form.
    public func legacyBlobBundle() throws -> Data {
        guard case .messageSignature(let message) = bundle.content else { throw CryptoError("a legacy blob bundle holds a message signature") }
        let pem = certificate?.pem ?? signingKey.publicKey.pem
        var members: [(key: String, value: JSONValue)] = [
            (key: "base64Signature", value: .string(Base64.encode(message.signature))),
            (key: "cert", value: .string(Base64.encode(Data(pem.utf8)))),
        ]
        if let rekorBundle = try rekorBundle() { members.append((key: "rekorBundle", value: rekorBundle)) }
        return Data(JSONValue.object(members).serializedString(escaping: .goHTMLSafe).utf8)
    }

    /// The first tlog entry as cosign's `RekorBundle` (SET and payload), or nil without one.
    private func rekorBundle() throws -> JSONValue? {
        guard let entry = bundle.verificationMaterial.tlogEntries.first else { return nil }
        guard let set = entry.inclusionPromise else { throw CryptoError("a legacy bundle needs a Rekor v1 entry with a SET") }
        return .object([
            (key: "SignedEntryTimestamp", value: .string(Base64.encode(set))),
            (key: "Payload", value: .object([
                (key: "body", value: .string(Base64.encode(entry.canonicalizedBody))),
                (key: "integratedTime", value: .integer(entry.integratedTime)),
                (key: "logIndex", value: .integer(entry.logIndex)),
                (key: "logID", value: .string(entry.logID.lowercaseHex)),
            ])),
        ])
    }
}
