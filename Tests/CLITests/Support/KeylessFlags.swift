import SigstoreTestKit

extension LeafProfile {
    /// The keyless verification flags naming the test kit's default certificate identity and issuer.
    static let identityFlags = ["--certificate-identity", defaultIdentity, "--certificate-oidc-issuer", defaultIssuer]
}
