import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore

/// A static-key signature over a file, as `cosign sign-blob` makes it offline: the raw
/// signature (written b64 by `--output-signature`) and a Sigstore bundle v0.3 with the
/// public-key hint and a message signature, without transparency-log entry.
public struct BlobSignature: Sendable {
    /// The signature bytes over the file.
    public let signature: Data
    /// The file digest recorded in the bundle (`messageDigest`): SHA-256, or the key's own
    /// hash for P-384/P-521 (SHA-384/SHA-512).
    public let digest: Digest
    public let bundle: SigstoreBundle

    /// Signs `contents` with the key's default scheme (FORMATS.md §1.6: pure Ed25519 for
    /// Ed25519 keys, as cosign does when it uploads to no log).
    public init(signing contents: Data, with key: PrivateKey) throws {
        let scheme = key.algorithm.defaultScheme
        signature = try key.sign(contents, scheme: scheme)
        let hash = scheme.hash.flatMap { [DigestAlgorithm.sha384, .sha512].contains($0) ? $0 : nil } ?? .sha256
        digest = Digest.of(contents, algorithm: hash)
        bundle = SigstoreBundle(version: .v0_3, verificationMaterial: VerificationMaterial(signer: .publicKey(hint: key.publicKey.bundleHint)),
                                content: .messageSignature(MessageSignature(messageDigest: digest, signature: signature)))
    }

    /// The signature as cosign writes `--output-signature`: standard base64, no newline.
    public var signatureBase64: String { Base64.encode(signature) }
}
