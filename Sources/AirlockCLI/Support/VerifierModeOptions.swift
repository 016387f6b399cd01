import ArgumentParser
import Foundation
import Sigstore

/// How the Sigstore verifier establishes time and what it may skip: cosign's
/// `--use-signed-timestamps`, and the `insecure` switches that drop a requirement. Shared by
/// every command that verifies (`verify-blob`, `verify`, `unpack`, `inspect`).
struct VerifierModeOptions: ParsableArguments {
    @Flag(name: .long, help: "Require an RFC 3161 timestamp from a trusted timestamp authority (cosign --use-signed-timestamps).")
    var useSignedTimestamps = false

    @Flag(name: .long, help: "Do not require a transparency-log entry (keyless: the certificate is then checked at the current time).")
    var insecureIgnoreTlog = false

    @Flag(name: .long, help: "Do not require an embedded SCT in the certificate.")
    var insecureIgnoreSct = false

    /// The verifier for key-based or keyless checks, against `trustedRoot` if given, else the
    /// root of `rootOptions` (required for keyless verification and for signed timestamps).
    func verifier(keyBased: Bool, rootOptions: TrustedRootOptions, trustedRoot: TrustedRoot? = nil) throws -> SigstoreVerifier {
        var options = keyBased
            ? VerifierOptions.publicKey(now: Date(), usesSignedTimestamps: useSignedTimestamps)
            : VerifierOptions.keyless(now: Date(), usesSignedTimestamps: useSignedTimestamps, ignoresTransparencyLog: insecureIgnoreTlog)
        if insecureIgnoreSct { options.sctThreshold = 0 }
        let root = try trustedRoot ?? rootOptions.load(required: !keyBased || useSignedTimestamps)
        do {
            return try SigstoreVerifier(trustedRoot: root, options: options)
        } catch {
            throw CommandFailure("\(rootOptions.path ?? "trusted root"): \(error)")
        }
    }
}
