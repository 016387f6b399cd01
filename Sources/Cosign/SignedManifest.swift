import AirlockCrypto
import OCI

/// What `ImageSigner` did for one manifest.
public struct SignedManifest: Sendable, Equatable {
    /// What happened to one format's signature.
    public enum Outcome: Sendable, Equatable {
        /// A signature was added; the digest of the `.sig` manifest or referrer that holds it.
        case added(Digest)
        /// The same payload signed by the same key was already stored there; nothing written.
        case alreadyPresent(Digest)

        public var digest: Digest {
            switch self {
            case .added(let digest), .alreadyPresent(let digest): digest
            }
        }
    }

    /// The signed manifest or index (with its platform when reached through `--recursive`).
    public let descriptor: Descriptor
    /// The `docker-reference` written into the payload.
    public let dockerReference: String
    /// The legacy `.sig` outcome, when that format was asked for.
    public let legacy: Outcome?
    /// The bundle referrer outcome, when that format was asked for.
    public let bundle: Outcome?
}
