import AirlockCrypto
import Foundation

/// What a bundle is checked against: the artifact's bytes, a file (hashed in a stream, never
/// read whole unless an Ed25519 signature needs the message itself), or only its digest.
public enum VerificationArtifact: Sendable {
    case bytes(Data)
    case file(URL)
    /// sigstore-go's `WithArtifactDigest`: a message signature's `messageDigest` must equal it
    /// and the signature is checked prehashed; a DSSE statement must have it as a subject digest.
    case digest(Digest)
}

/// Who must have signed: one of these keys, or a certificate matching one of these identities
/// (sigstore-go's `WithKey` / `WithCertificateIdentity`).
public enum SignerPolicy: Sendable {
    /// The bundle must be signed by one of the keys (the first that verifies is the signer);
    /// a bundle carrying a certificate is refused ("expected key signature, not certificate").
    case publicKeys([PublicKey])
    /// The bundle must carry a certificate that chains to a trusted Fulcio CA and matches at
    /// least one identity.
    case identities([CertificateIdentity])

    public static func publicKey(_ key: PublicKey) -> SignerPolicy { .publicKeys([key]) }

    public static func identity(_ identity: CertificateIdentity) -> SignerPolicy { .identities([identity]) }
}
