/// The two ways cosign stores an image signature.
public enum SignatureFormat: String, Sendable, CaseIterable, Codable {
    /// A simple-signing payload as a layer of the `sha256-<hex>.sig` image (cosign 2,
    /// policy-controller, containers-image).
    case legacy
    /// A Sigstore bundle v0.3 (DSSE of an in-toto statement) in an OCI 1.1 referrer (cosign 3).
    case bundle
}
