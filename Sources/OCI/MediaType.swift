/// Media types of OCI and Docker manifests, configs and layers, and the cosign / Sigstore
/// artifacts stored in registries and layouts (FORMATS.md §3, §4, §10).
public enum MediaType {
    // OCI image-spec 1.1
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let ociConfig = "application/vnd.oci.image.config.v1+json"
    public static let ociLayer = "application/vnd.oci.image.layer.v1.tar"
    public static let ociLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip"
    public static let ociLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd"
    /// The empty JSON object `{}` used as config of artifacts (see `Descriptor.emptyJSON`).
    public static let ociEmpty = "application/vnd.oci.empty.v1+json"
    /// The layout marker file's type (not stored as a blob; for completeness).
    public static let ociLayoutHeader = "application/vnd.oci.layout.header.v1+json"

    // Docker image manifest v2 schema 2 (read and kept byte-for-byte, never rewritten)
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerConfig = "application/vnd.docker.container.image.v1+json"
    public static let dockerLayerGzip = "application/vnd.docker.image.rootfs.diff.tar.gzip"
    /// Docker schema 1 manifests, which airlock refuses.
    public static let dockerSchema1Manifests: Set<String> = [
        "application/vnd.docker.distribution.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v1+prettyjws",
    ]

    // cosign and Sigstore
    /// A legacy signature layer: the simple-signing payload.
    public static let cosignSimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json"
    /// A legacy attestation layer: a DSSE envelope.
    public static let dsseEnvelope = "application/vnd.dsse.envelope.v1+json"
    /// The artifact type of legacy signatures pushed as OCI 1.1 referrers (§3.6).
    public static let cosignSignatureArtifact = "application/vnd.dev.cosign.artifact.sig.v1+json"
    /// The Sigstore bundle layer written by cosign 3 (§4.2).
    public static let sigstoreBundleV03 = "application/vnd.dev.sigstore.bundle.v0.3+json"
    /// Every Sigstore bundle media type starts with this (cosign's referrer filter, §4.3).
    public static let sigstoreBundlePrefix = "application/vnd.dev.sigstore.bundle"

    /// Image manifests: OCI and Docker v2.
    public static let imageManifests: Set<String> = [ociManifest, dockerManifest]
    /// Indexes: OCI image index and Docker manifest list.
    public static let indexes: Set<String> = [ociIndex, dockerManifestList]

    /// True for a media type whose blob is an image manifest (OCI or Docker v2).
    public static func isImageManifest(_ mediaType: String) -> Bool { imageManifests.contains(mediaType) }
    /// True for a media type whose blob is an index (OCI index or Docker manifest list).
    public static func isIndex(_ mediaType: String) -> Bool { indexes.contains(mediaType) }
    /// True for either kind of manifest the layout store can parse and walk.
    public static func isManifestOrIndex(_ mediaType: String) -> Bool { isImageManifest(mediaType) || isIndex(mediaType) }
}
