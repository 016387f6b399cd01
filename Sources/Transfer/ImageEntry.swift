import AirlockCrypto
import OCI

/// What a signature-like artifact is to the image it belongs to.
public enum AttachmentKind: String, Codable, Sendable, CaseIterable {
    /// A legacy cosign signature image (`sha256-<hex>.sig`, `kind=…/sigs`).
    case signatures
    /// A legacy cosign attestation image (`sha256-<hex>.att`, `kind=…/atts`).
    case attestations
    /// A cosign SBOM attachment (`sha256-<hex>.sbom`, deprecated).
    case sbom
    /// A manifest whose `subject` is the image (Sigstore bundles, OCI 1.1 referrers), or a
    /// referrers tag-schema index (`sha256-<hex>`).
    case referrer
}

/// A signature image, attestation image or referrer of an image or of one of its platform
/// manifests.
public struct Attachment: Hashable, Sendable {
    public let kind: AttachmentKind
    /// The manifest it refers to (the image or one of its platform manifests).
    public let subject: Digest
    /// The attachment's manifest: its `index.json` entry, or, for a referrer stored only as a
    /// blob (as `cosign save` leaves them), a descriptor made from the manifest.
    public let descriptor: Descriptor
    /// False for a referrer present only as a blob.
    public let isListedInIndex: Bool
    public let artifactType: String?
    /// In-toto predicate types named by annotations (bundle referrers, attestation layers).
    public let predicateTypes: [String]
    /// Layers of the attachment manifest: one per signature in `.sig` images, one bundle per referrer.
    public let layerCount: Int
}

/// One platform manifest of an image.
public struct PlatformManifest: Hashable, Sendable {
    public let descriptor: Descriptor
    /// From the index entry, or for a single-platform image from its config (nil when unknown).
    public let platform: Platform?
}

/// An image of a layout with what belongs to it: its platform manifests and every signature,
/// attestation and referrer attached to it or to one of its platform manifests.
public struct ImageEntry: Sendable {
    /// The image's `index.json` entry (with its annotations, e.g. the tag).
    public let descriptor: Descriptor
    /// One entry per platform; a single-platform image lists its own manifest.
    public let platforms: [PlatformManifest]
    public let attachments: [Attachment]

    public var digest: Digest { descriptor.digest }
    /// The tag (`org.opencontainers.image.ref.name`), if any.
    public var tag: String? { descriptor.refName }
}
