/// Annotation keys cosign writes on signature layers and bundle referrers (FORMATS.md §3.3, §4.2).
public enum CosignAnnotation {
    /// On a `.sig` layer: b64 of the raw signature over the layer bytes.
    public static let signature = "dev.cosignproject.cosign/signature"
    /// On a `.sig` layer: PEM of the signing certificate (keyless, `--cert`).
    public static let certificate = "dev.sigstore.cosign/certificate"
    /// On a `.sig` layer: PEM of the certificates after the leaf.
    public static let chain = "dev.sigstore.cosign/chain"
    /// On a `.sig` layer: the Rekor v1 `RekorBundle` JSON (SET and entry).
    public static let rekorBundle = "dev.sigstore.cosign/bundle"
    /// On a `.sig` layer: `{"SignedRFC3161Timestamp":"<b64>"}`.
    public static let rfc3161Timestamp = "dev.sigstore.cosign/rfc3161timestamp"

    /// On a bundle referrer: what the bundle holds (`dsse-envelope`).
    public static let bundleContent = "dev.sigstore.bundle.content"
    /// On a bundle referrer: the statement's predicate type.
    public static let bundlePredicateType = "dev.sigstore.bundle.predicateType"
    /// The `dev.sigstore.bundle.content` value of DSSE bundles.
    public static let dsseEnvelopeContent = "dsse-envelope"
}
