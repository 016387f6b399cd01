import AirlockCrypto
import Cosign
import Foundation
import OCI
import Sigstore
import SigstoreTestKit
import Testing

@Suite("Image verifier")
struct ImageVerifierTests {
    let key: PrivateKey
    let trusted: TrustedKey

    init() throws {
        key = try PrivateKey.generateP256()
        trusted = TrustedKey(publicKey: key.publicKey, name: "signer.pub")
    }

    func keyVerifier(_ keys: [TrustedKey], threshold: Int = 1, annotations: [String: String] = [:]) throws -> ImageVerifier {
        ImageVerifier(verifier: try SigstoreVerifier(trustedRoot: nil, options: .publicKey(now: Date())),
                      policy: ImageVerificationPolicy(signers: .keys(keys, threshold: threshold), requiredAnnotations: annotations))
    }

    func verify(_ digest: Digest, in store: TestLayout, with verifier: ImageVerifier) throws -> ImageVerification {
        verifier.verify(digest, in: try SignatureCatalog(layout: store.layout))
    }

    /// Stores `bundle` as a referrer of `subject` (predicate type annotation `predicateType`).
    func storeBundle(_ bundle: Data, about subject: Descriptor, in store: TestLayout, listed: Bool = true,
                     predicateType: String = InTotoStatement.cosignSignPredicateType) throws -> Descriptor {
        let referrer = BundleReferrer(bundle: bundle, subject: subject, predicateType: predicateType, created: Date())
        try store.layout.addBlob(bundle)
        try store.layout.addBlob(Data("{}".utf8))
        let stored = try store.layout.storeManifest(referrer.manifestBytes, mediaType: MediaType.ociManifest)
        if listed { try store.layout.updateIndex { $0.manifests.append(stored) } }
        return stored
    }

    @Test func bothFormatsVerifyWithTheKeyAndNameIt() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        try ImageSigner(key: key).sign([image], in: store.layout, options: SigningOptions(annotations: ["env": "prod"]))
        let result = try verify(image.digest, in: store, with: keyVerifier([trusted], annotations: ["env": "prod"]))
        #expect(result.passed)
        #expect(result.reason == "1 of 1 keys verified (threshold 1): signer.pub")
        #expect(result.signatures.map(\.format) == [.legacy, .bundle])
        #expect(result.signatures.allSatisfy { $0.accepted && $0.key?.id == trusted.id })
    }

    @Test func anImageWhoseStoredManifestIsNotTheSignedDigestFails() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        try ImageSigner(key: key).sign([image], in: store.layout, options: SigningOptions())
        let path = store.layout.blobURL(image.digest)
        var manifest = try Data(contentsOf: path)
        manifest[manifest.count / 2] ^= 0x01
        try manifest.write(to: path)
        let corrupt = try verify(image.digest, in: store, with: keyVerifier([trusted]))
        #expect(!corrupt.passed)
        #expect(corrupt.reason.hasPrefix("the image in the layout is not the signed manifest: \(image.digest) digest mismatch"))
        #expect(corrupt.signatures.allSatisfy { $0.accepted }, "the signatures themselves still verify")
        try FileManager.default.removeItem(at: path)
        #expect(try verify(image.digest, in: store, with: keyVerifier([trusted])).reason.hasSuffix("\(image.digest) missing"))
    }

    @Test func anAttestationBundleIsNotASignature() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        let kit = try PrivateSigstore()
        let provenance = try kit.makeBundle(BundleRecipe(artifact: try store.bytes(of: image)).dsse().signed(by: key).log(.none))
        let referrer = try storeBundle(provenance.json, about: image, in: store, predicateType: "https://slsa.dev/provenance/v1")
        let result = try verify(image.digest, in: store, with: keyVerifier([trusted]))
        #expect(!result.passed)
        #expect(result.signatures.count == 1)
        #expect(result.signatures[0].digest == referrer.digest)
        #expect(result.signatures[0].key?.id == trusted.id, "the signature itself verified")
        #expect(result.signatures[0].reason == "claims: predicate type https://slsa.dev/provenance/v1 is not https://sigstore.dev/cosign/sign/v1 (an attestation is not a signature)")
    }

    @Test func keylessBundleReferrersVerifyAgainstTheIdentity() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        let kit = try PrivateSigstore()
        let signed = try kit.makeBundle(BundleRecipe(artifact: try store.bytes(of: image)).dsse(predicateType: InTotoStatement.cosignSignPredicateType))
        _ = try storeBundle(signed.json, about: image, in: store, listed: false)
        func verifier(identity: String) throws -> ImageVerifier {
            let policy = CertificateIdentity(subjectAlternativeName: .exact(identity), issuer: .exact(LeafProfile.defaultIssuer))
            return ImageVerifier(verifier: try SigstoreVerifier(trustedRoot: kit.trustedRoot, options: .keyless(now: kit.verificationTime)),
                                 policy: ImageVerificationPolicy(signers: .identities([policy])))
        }
        let passing = try verify(image.digest, in: store, with: verifier(identity: LeafProfile.defaultIdentity))
        #expect(passing.passed, "\(passing.signatures.map(\.reason))")
        #expect(passing.signatures.first?.identity == LeafProfile.defaultIdentity)
        #expect(passing.signatures.first?.issuer == LeafProfile.defaultIssuer)
        #expect(passing.reason == "1 of 1 signatures verified; signed by \(LeafProfile.defaultIdentity) (issuer \(LeafProfile.defaultIssuer))")

        let failing = try verify(image.digest, in: store, with: verifier(identity: "https://github.com/someone-else/app"))
        #expect(!failing.passed)
        #expect(failing.signatures.first?.reason.hasPrefix("identity: ") == true)
        #expect(failing.reason == "none of 1 signatures verified with a matching identity")
    }

    @Test func keylessLegacySignaturesVerifyWithTheirAnnotations() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        let kit = try PrivateSigstore()
        let payload = SimpleSigningPayload(dockerReference: "registry.example/app", manifestDigest: image.digest).encoded()
        let legacy = try kit.makeBundle(BundleRecipe(artifact: payload)).legacyAnnotations(chain: [kit.fulcioIntermediate])
        #expect(legacy.annotations[CosignAnnotation.certificate] != nil && legacy.annotations[CosignAnnotation.rekorBundle] != nil)
        try store.layout.addBlob(legacy.layer)
        let signatures = SignatureImage(layers: [SignatureLayer(descriptor: Descriptor(mediaType: MediaType.cosignSimpleSigning, content: legacy.layer,
                                                                                       annotations: legacy.annotations))])
        try store.layout.addBlob(signatures.configBytes)
        try store.layout.addManifest(signatures.manifestBytes, mediaType: MediaType.ociManifest,
                                     annotations: [AnnotationKey.refName: SignatureImage.tag(for: image.digest)])
        func verify(identity: String) throws -> ImageVerification {
            let policy = CertificateIdentity(subjectAlternativeName: .exact(identity), issuer: .exact(LeafProfile.defaultIssuer))
            return try self.verify(image.digest, in: store, with: ImageVerifier(
                verifier: try SigstoreVerifier(trustedRoot: kit.trustedRoot, options: .keyless(now: kit.verificationTime)),
                policy: ImageVerificationPolicy(signers: .identities([policy]))))
        }
        let passing = try verify(identity: LeafProfile.defaultIdentity)
        #expect(passing.passed, "\(passing.signatures.map(\.reason))")
        #expect(passing.signatures.map(\.format) == [.legacy])
        #expect(passing.signatures.first?.identity == LeafProfile.defaultIdentity)
        let failing = try verify(identity: "https://github.com/someone-else/app")
        #expect(failing.signatures.first?.reason.hasPrefix("identity: ") == true)
        #expect(!failing.passed)
    }

    @Test func cosignSaveLayoutsAreRead() throws {
        let signedStore = try TestLayout()
        let image = try signedStore.addImage("saved")
        try ImageSigner(key: key).sign([image], in: signedStore.layout, options: SigningOptions())
        // What cosign save leaves: kind=image and an untagged kind=sigs entry; the referrer only as a blob.
        let index = try signedStore.index
        let sigs = try #require((index.signatureImages[image.digest] ?? []).first)
        var saved = ImageIndex()
        saved.manifests = [
            Descriptor(mediaType: image.mediaType, digest: image.digest, size: image.size, annotations: [AnnotationKey.cosignKind: CosignLayoutKind.image.rawValue]),
            Descriptor(mediaType: sigs.mediaType, digest: sigs.digest, size: sigs.size, annotations: [AnnotationKey.cosignKind: CosignLayoutKind.signatures.rawValue]),
        ]
        try signedStore.writeIndex(saved)
        let result = try verify(image.digest, in: signedStore, with: keyVerifier([trusted]))
        #expect(result.passed)
        #expect(result.signatures.count == 2)
        #expect(result.signatures.first?.location == "kind=dev.cosignproject.cosign/sigs entry layer 1")
        #expect(result.signatures.last?.location.hasPrefix("referrer sha256:") == true)
    }

    @Test func bundlesBeforeVersion03AreNotImageSignatures() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        let kit = try PrivateSigstore()
        let old = try kit.makeBundle(BundleRecipe(artifact: try store.bytes(of: image)).dsse(predicateType: InTotoStatement.cosignSignPredicateType)
            .signed(by: key).log(.none).version(.v0_2))
        _ = try storeBundle(old.json, about: image, in: store)
        let result = try verify(image.digest, in: store, with: keyVerifier([trusted]))
        #expect(!result.passed)
        #expect(result.signatures.first?.reason == "format: bundle version 0.2 in a referrer; image signatures need bundle 0.3 or later (as cosign)")
    }

    @Test func legacySignaturesPushedAsOCIReferrersAreRead() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        let payload = SimpleSigningPayload(dockerReference: "registry.example/app", manifestDigest: image.digest).encoded()
        try store.layout.addBlob(payload)
        let layer = SignatureLayer(payload: payload, signature: try key.sign(payload))
        var config = Descriptor.emptyJSON
        config.mediaType = MediaType.cosignSignatureArtifact
        try store.storeArtifact(ImageManifest(artifactType: MediaType.cosignSignatureArtifact, config: config, layers: [layer.descriptor],
                                              subject: Descriptor(mediaType: image.mediaType, digest: image.digest, size: image.size)),
                                listed: false)
        let result = try verify(image.digest, in: store, with: keyVerifier([trusted]))
        #expect(result.passed, "\(result.signatures.map(\.reason))")
        #expect(result.signatures.first?.location.hasPrefix("signature referrer sha256:") == true)
    }

    @Test func thresholdsCountDistinctKeys() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        let second = try PrivateKey.generateP256()
        try ImageSigner(key: key).sign([image], in: store.layout, options: SigningOptions(formats: [.legacy]))
        let keys = [trusted, TrustedKey(publicKey: second.publicKey, name: "second.pub")]
        let twice = [trusted, TrustedKey(publicKey: key.publicKey, name: "same-again.pub")]
        #expect(try verify(image.digest, in: store, with: keyVerifier(keys, threshold: 1)).passed)
        let short = try verify(image.digest, in: store, with: keyVerifier(keys, threshold: 2))
        #expect(!short.passed)
        #expect(short.reason == "1 of 2 keys verified (threshold 2): signer.pub; 0 of 1 signatures rejected")
        #expect(!(try verify(image.digest, in: store, with: keyVerifier(twice, threshold: 2)).passed))
        try ImageSigner(key: second).sign([image], in: store.layout, options: SigningOptions(formats: [.bundle]))
        let both = try verify(image.digest, in: store, with: keyVerifier(keys, threshold: 2))
        #expect(both.passed)
        #expect(both.reason == "2 of 2 keys verified (threshold 2): signer.pub, second.pub")
    }

    @Test func noSignaturesIsARejection() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        let result = try verify(image.digest, in: store, with: keyVerifier([trusted]))
        #expect(!result.passed)
        #expect(result.signatures.isEmpty)
        #expect(result.reason.hasPrefix("no signatures found for \(image.digest)"))
    }
}
