import AirlockCrypto
import ArgumentParser
import Cosign
import Foundation
import OCI
import Sigstore

/// `airlock verify`: verify the signatures of images in OCI layouts, offline.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the signatures of images in OCI layouts (cosign-compatible, offline).",
        discussion: """
        Finds every signature of each image: legacy simple-signing layers (the .sig image \
        tagged sha256-<hex>.sig, a cosign save kind=…/sigs entry, OCI 1.1 signature \
        referrers) and Sigstore bundle referrers (listed in index.json or stored only as \
        blobs, as cosign save leaves them). Each is verified by the Sigstore verifier, then \
        its claims: the payload's docker-manifest-digest (or the statement subject) must be \
        the image digest and every --annotation must be present. A bundle must hold a \
        statement of predicate type https://sigstore.dev/cosign/sign/v1: unlike cosign, \
        airlock does not accept an attestation (e.g. SLSA provenance) as a signature, and \
        has no option to.

        With --key: the image passes when at least --threshold distinct keys (default 1) each \
        verified a signature; several keys cover rotation and k-of-n signing. Keyless: at \
        least one signature whose certificate matches the identity (regular expressions are \
        unanchored; anchor them with ^…$) and chains to the trusted root. An image without \
        signatures never passes. The output lists every signature found and why it was \
        accepted or rejected.

        Exit status: 0 every image passed; 1 an image failed verification; 2 an input could \
        not be read (layout, reference, key, trusted root).
        """)

    @OptionGroup var signer: SignerOptions
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var imageArguments: ImageArguments

    func validate() throws {
        guard signer.namesSigner else {
            throw ValidationError(KeylessOptions.signerMissing)
        }
        try signer.check()
    }

    func run() throws {
        let groups = try imageArguments.resolve()
        let verifier = try signer.imageVerifier()
        var results: [(label: String, verification: ImageVerification)] = []
        for group in groups {
            let catalog = try SignatureCatalog(layout: group.layout)
            for image in group.images {
                results.append((image.label, verifier.verify(image.descriptor.digest, in: catalog)))
            }
        }
        switch outputOptions.output {
        case .text: Terminal.printLines(results.flatMap { Self.text($0.label, $0.verification) })
        case .json: print(try OutputOptions.json(Report(results)))
        }
        let failed = results.filter { !$0.verification.passed }
        guard let first = failed.first else { return }
        let count = results.count > 1 ? "\(failed.count) of \(results.count) images failed verification; " : ""
        throw CommandFailure("\(count)\(first.label): \(first.verification.reason)", status: .rejected)
    }

    // MARK: - Output

    static func text(_ label: String, _ verification: ImageVerification) -> [String] {
        var lines = ["\(label) \(verification.digest): \(verification.passed ? "PASS" : "FAIL") \(verification.reason)"]
        for signature in verification.signatures {
            lines.append("  \(signature.accepted ? "ACCEPT" : "REJECT") \(signature.format.rawValue) \(signature.location): \(signature.reason)")
            lines += signature.notes.map { "    note: \($0)" }
        }
        return lines
    }

    struct Report: Encodable {
        struct Signature: Encodable {
            let format: String
            let digest: String
            let location: String
            let keyId: String?
            let key: String?
            let identity: String?
            let issuer: String?
            let verdict: String
            let reason: String
            let notes: [String]
        }

        struct Image: Encodable {
            let image: String
            let digest: String
            let verdict: String
            let reason: String
            let signatures: [Signature]
        }

        let verdict: String
        let images: [Image]

        init(_ results: [(label: String, verification: ImageVerification)]) {
            images = results.map { label, verification in
                Image(image: label, digest: verification.digest.description, verdict: verification.passed ? "pass" : "fail",
                      reason: verification.reason, signatures: verification.signatures.map { signature in
                          Signature(format: signature.format.rawValue, digest: signature.digest.description, location: signature.location,
                                    keyId: signature.key?.id, key: signature.key?.name, identity: signature.identity, issuer: signature.issuer,
                                    verdict: signature.accepted ? "accepted" : "rejected", reason: signature.reason, notes: signature.notes)
                      })
            }
            verdict = images.allSatisfy { $0.verdict == "pass" } ? "pass" : "fail"
        }
    }
}
