import Cosign
import OCI

/// Verifies the signatures of every staged image with airlock's image verifier (the engine of
/// `airlock verify`: static keys with a threshold, or keyless identities) before a tarball
/// is merged. The verifier is built when the check runs, so that it can use trust material
/// from the tarball — but only the files the user named (a tarball cannot vouch for itself).
public struct SignatureVerificationCheck: ArrivalCheck {
    /// What is checked, e.g. `signatures by cosign.pub`.
    public let name: String
    private let makeVerifier: (ArchiveTrustMaterial) throws -> ImageVerifier

    public init(name: String, makeVerifier: @escaping (ArchiveTrustMaterial) throws -> ImageVerifier) {
        self.name = name
        self.makeVerifier = makeVerifier
    }

    public func check(staged: OCILayout, images: [ImageEntry], archiveTrustMaterial: ArchiveTrustMaterial) throws -> ArrivalReport {
        let verifier = try makeVerifier(archiveTrustMaterial)
        let catalog = try SignatureCatalog(layout: staged)
        return ArrivalReport(check: name, verdicts: images.map { image in
            let verification = verifier.verify(image.digest, in: catalog)
            return ArrivalReport.Verdict(image: image.digest, tag: image.tag, passed: verification.passed, reason: verification.reason)
        })
    }
}
