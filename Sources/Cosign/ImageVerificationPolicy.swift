import AirlockCrypto
import Sigstore

/// A public key trusted to sign images, with the name it was given by (e.g. its file).
public struct TrustedKey: Sendable {
    public let publicKey: PublicKey
    public let name: String

    public init(publicKey: PublicKey, name: String) {
        self.publicKey = publicKey
        self.name = name
    }

    /// `sha256:<hex of SHA-256(DER SubjectPublicKeyInfo)>`: how reports name the key.
    public var id: String { "sha256:\(publicKey.spkiSHA256.lowercaseHex)" }
}

/// Who must have signed an image and what the signatures must say.
public struct ImageVerificationPolicy: Sendable {
    /// The accepted signers.
    public enum Signers: Sendable {
        /// Static keys: at least `threshold` distinct keys must each have a verified
        /// signature (key rotation, k-of-n signing).
        case keys([TrustedKey], threshold: Int)
        /// Keyless: at least one verified signature whose certificate matches one identity.
        case identities([CertificateIdentity])
    }

    public var signers: Signers
    /// `-a key=value` requirements: each must be in the payload's `optional` object (legacy)
    /// or the matching statement subject's `annotations` (bundle), with an equal string value.
    public var requiredAnnotations: [String: String]

    public init(signers: Signers, requiredAnnotations: [String: String] = [:]) {
        self.signers = signers
        self.requiredAnnotations = requiredAnnotations
    }

    /// The policy the Sigstore verifier checks each signature against.
    var signerPolicy: SignerPolicy {
        switch signers {
        case .keys(let keys, _): .publicKeys(keys.map(\.publicKey))
        case .identities(let identities): .identities(identities)
        }
    }
}
