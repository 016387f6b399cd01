/// Bounds applied to untrusted layout content, so hostile input fails cleanly instead of
/// exhausting memory or recursing without end.
public enum OCILimits {
    /// Largest manifest, index or `index.json` read into memory (4 MiB).
    public static let maxManifestBytes = 4 << 20
    /// Most descriptors in one manifest's layers or one index's manifests.
    public static let maxDescriptors = 10_000
    /// Deepest nesting of indexes and manifests followed from a root descriptor.
    public static let maxNestingDepth = 8
    /// Largest `oci-layout` marker file.
    static let maxLayoutMarkerBytes = 4096
}
