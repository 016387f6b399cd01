import AirlockCrypto
import Foundation
import OCI
import Sigstore

/// A signature found for an image, before any check: where it is, and what holds it or why
/// it is unusable (a signature that cannot be used is reported, not dropped). The payload or
/// bundle itself is read by `SignatureCatalog.load(_:)` when the signature is checked, so that
/// only one is in memory at a time.
public struct FoundSignature: Sendable {
    /// Where the signed content is.
    public enum Content: Sendable {
        /// A simple-signing layer (its descriptor carries the signature annotations).
        case legacy(SignatureLayer)
        /// The Sigstore bundle layer of a referrer that has exactly one layer.
        case bundle(Descriptor)
    }

    /// The content read.
    public enum Loaded: Sendable {
        /// The layer and the payload bytes it describes.
        case legacy(layer: SignatureLayer, payload: Data)
        /// A bundle of version 0.3 or later.
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
