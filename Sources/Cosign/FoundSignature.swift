import AirlockCrypto
import Foundation
import OCI
import Sigstore

/// A signature found for an image, before any check: where it is, and its content or why
/// the content could not be read (a signature that cannot be read is reported, not dropped).
public struct FoundSignature: Sendable {
    /// What a readable signature holds.
    public enum Content: Sendable {
        /// A simple-signing layer (its descriptor carries the signature annotations) and the
        /// payload bytes it describes.
        case legacy(layer: SignatureLayer, payload: Data)
        /// A bundle (≥ v0.3) from a referrer whose only layer is a Sigstore bundle.
        case bundle(SigstoreBundle)
    }

    public let format: SignatureFormat
    /// The payload layer digest (legacy) or the referrer manifest digest (bundle).
    public let digest: Digest
    /// Where it was found, e.g. `sha256-<hex>.sig layer 1` or `referrer sha256:…`.
    public let location: String
    public let content: Result<Content, CosignError>

    public init(format: SignatureFormat, digest: Digest, location: String, content: Result<Content, CosignError>) {
        self.format = format
        self.digest = digest
        self.location = location
        self.content = content
    }
}
