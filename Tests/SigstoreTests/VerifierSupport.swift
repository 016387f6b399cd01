import AirlockCrypto
import Foundation
import Sigstore
import SigstoreTestKit

/// Verifying kit bundles the way cosign would: keyless options for certificates, key options
/// for keys, at the kit's verification time, against the kit's trusted root unless given.
enum KitVerification {
    static let identity = CertificateIdentity(subjectAlternativeName: .exact(LeafProfile.defaultIdentity),
                                              issuer: .exact(LeafProfile.defaultIssuer))

    static func verify(_ made: KitBundle, kit: PrivateSigstore, root: TrustedRoot? = nil, options: VerifierOptions? = nil,
                       artifact: VerificationArtifact? = nil, policy: SignerPolicy? = nil) -> VerificationResult {
        let keyBased = made.certificate == nil
        let options = options ?? (keyBased ? .publicKey(now: kit.verificationTime) : .keyless(
            now: kit.verificationTime, usesSignedTimestamps: !made.bundle.verificationMaterial.rfc3161Timestamps.isEmpty))
        let verifier: SigstoreVerifier
        do {
            verifier = try SigstoreVerifier(trustedRoot: root ?? kit.trustedRoot, options: options)
        } catch {
            return .rejected(VerificationFailure(.policy, "trusted root: \(error)"))
        }
        let policy = policy ?? (keyBased ? .publicKey(made.signingKey.publicKey) : .identity(identity))
        return verifier.verify(made.bundle, artifact: artifact ?? .bytes(made.artifact), policy: policy)
    }
}

/// A scratch directory removed at deinit.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-sigstore-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func write(_ data: Data, named name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try data.write(to: file)
        return file
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
