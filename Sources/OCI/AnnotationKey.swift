/// Annotation keys that the layout store and its users read and write.
public enum AnnotationKey {
    /// The tag of an `index.json` entry (OCI image layout); `DIR:TAG` resolves through it.
    public static let refName = "org.opencontainers.image.ref.name"
    /// OCI: the reference of the image this image is based on.
    public static let baseName = "org.opencontainers.image.base.name"
    /// OCI: RFC 3339 creation time.
    public static let created = "org.opencontainers.image.created"
    /// airlock: the repository an image in a layout belongs to, without tag or digest
    /// (e.g. `registry.example/demo/app`). Signers use it as cosign's `docker-reference`.
    public static let imageName = "io.airlock.image.name"
    /// containerd: the full reference (`registry/repo:tag`) an image is imported under.
    public static let containerdImageName = "io.containerd.image.name"
    /// cosign save: the literal, un-namespaced key whose values are `CosignLayoutKind`.
    public static let cosignKind = "kind"
}

/// The values of the `kind` annotation that `cosign save` writes on `index.json` entries
/// (FORMATS.md §5.1).
public enum CosignLayoutKind: String, Sendable, CaseIterable {
    /// The signed single-platform image manifest.
    case image = "dev.cosignproject.cosign/image"
    /// The signed multi-platform index (instead of `image`).
    case imageIndex = "dev.cosignproject.cosign/imageIndex"
    /// The legacy `.sig` signature image.
    case signatures = "dev.cosignproject.cosign/sigs"
    /// The legacy `.att` attestation image.
    case attestations = "dev.cosignproject.cosign/atts"
}
