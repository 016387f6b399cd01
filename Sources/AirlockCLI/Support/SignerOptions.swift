import ArgumentParser
import Cosign
import Foundation
import Sigstore

/// Who must have signed an image and what the signatures must say: `--key` (several, with
/// `--threshold`) or the keyless identity flags, `--annotation` requirements, the trusted
/// root and the verifier mode. Shared by `verify`, `unpack` and `inspect`, so that all three
/// judge images alike.
struct SignerOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A PEM public key that may have signed (repeatable).", valueName: "file"))
    var key: [String] = []

    @Option(name: .long, help: ArgumentHelp("How many distinct keys must each have verified a signature (with --key).", valueName: "n"))
    var threshold: Int?

    @OptionGroup var keyless: KeylessOptions

    @Option(name: [.customShort("a"), .long], help: ArgumentHelp("Require key=value in the signed annotations (repeatable).", valueName: "key=value"))
    var annotation: [String] = []

    @OptionGroup var trustedRootOptions: TrustedRootOptions
    @OptionGroup var mode: VerifierModeOptions

    /// Whether any signer (key or identity) was named.
    var namesSigner: Bool { !key.isEmpty || !keyless.isEmpty }

    /// Cross-flag checks; `extraKeys` counts keys named elsewhere (e.g. in a tarball).
    func check(extraKeys: Int = 0) throws {
        let keyCount = key.count + extraKeys
        if keyCount > 0 && !keyless.isEmpty {
            throw ValidationError("keys and the keyless --certificate-* flags cannot be combined")
        }
        if let threshold {
            guard keyCount > 0 else { throw ValidationError("--threshold counts keys: it goes with --key") }
            guard threshold >= 1, threshold <= keyCount else {
                throw ValidationError("--threshold must be between 1 and the number of keys (\(keyCount))")
            }
        }
        _ = try AnnotationPairs.parse(annotation)
    }

    /// The image verifier: `--key` files plus `extraKeys`, else the keyless identity; the
    /// trusted root given (or `trustedRoot`), else the one discovered, required for keyless.
    func imageVerifier(extraKeys: [TrustedKey] = [], trustedRoot override: TrustedRoot? = nil) throws -> ImageVerifier {
        let keys = try key.map { TrustedKey(publicKey: try VerificationInputs.publicKey($0), name: $0) } + extraKeys
        let verifier = try mode.verifier(keyBased: !keys.isEmpty, rootOptions: trustedRootOptions, trustedRoot: override)
        return ImageVerifier(verifier: verifier, policy: try policy(keys))
    }

    private func policy(_ keys: [TrustedKey]) throws -> ImageVerificationPolicy {
        let annotations = try AnnotationPairs.parse(annotation)
        if !keys.isEmpty {
            let distinct = Set(keys.map(\.id)).count
            let required = threshold ?? 1
            guard required <= distinct else {
                throw CommandFailure("--threshold \(required) needs \(required) different keys, but the keys given hold \(distinct)", status: .usage)
            }
            return ImageVerificationPolicy(signers: .keys(keys, threshold: required), requiredAnnotations: annotations)
        }
        return ImageVerificationPolicy(signers: .identities([try keyless.requiredIdentity()]), requiredAnnotations: annotations)
    }
}
