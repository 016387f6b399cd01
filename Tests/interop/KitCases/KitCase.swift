import Foundation
import Sigstore
import SigstoreTestKit

/// One case of the keyless interop test (Tests/interop/keyless.sh): a kit bundle, the artifact
/// and trusted root to verify it against, the identity asked for, and the verdict every
/// verifier must reach.
struct KitCase {
    enum Verdict: String {
        case ok, fail
    }

    let name: String
    let expected: Verdict
    let made: KitBundle
    /// The file given to the verifiers: the signed artifact unless the case changes it.
    var artifact: Data
    /// A trusted root of the case's own; nil for the kit's.
    var trustedRoot: TrustedRoot?
    var identity = LeafProfile.defaultIdentity
    var issuer = LeafProfile.defaultIssuer
    /// airlock flags the case needs (cosign's; sigstore-python has none of them).
    var airlockFlags: [String] = []
    /// Why sigstore-python is known to judge the case otherwise, when it does: a documented
    /// difference from sigstore-go, which airlock follows. The case is then checked by airlock only.
    var airlockOnly: String?

    init(_ name: String, _ expected: Verdict, _ made: KitBundle, _ change: (inout KitCase) -> Void = { _ in }) {
        self.name = name
        self.expected = expected
        self.made = made
        artifact = made.artifact
        change(&self)
    }

    /// `NAME EXPECTED IDENTITY ISSUER AIRLOCK_FLAGS [airlock-only: REASON]`, the flags joined by
    /// commas or `-` for none.
    var manifestLine: String {
        let flags = airlockFlags.isEmpty ? "-" : airlockFlags.joined(separator: ",")
        return ([name, expected.rawValue, identity, issuer, flags] + (airlockOnly.map { ["airlock-only: \($0)"] } ?? []))
            .joined(separator: " ")
    }

    /// Writes `DIR/NAME/bundle.sigstore.json`, `artifact` and, when the case has its own, `trusted_root.json`.
    func write(into directory: URL) throws {
        let folder = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try made.json.write(to: folder.appendingPathComponent("bundle.sigstore.json"))
        try artifact.write(to: folder.appendingPathComponent("artifact"))
        try trustedRoot?.encoded().write(to: folder.appendingPathComponent("trusted_root.json"))
    }
}
