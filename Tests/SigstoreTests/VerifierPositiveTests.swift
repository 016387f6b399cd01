import AirlockCrypto
import Foundation
@testable import Sigstore
import SigstoreTestKit
import Testing

/// Every bundle shape the kit makes verifies, and the result says what was proven.
@Suite("SigstoreVerifier: bundles that verify")
struct VerifierPositiveTests {
    static let shapes: [(String, BundleRecipe)] = [
        ("message v0.1 Rekor v1", BundleRecipe().version(.v0_1)),
        ("message v0.2 Rekor v1", BundleRecipe().version(.v0_2)),
        ("message v0.3 Rekor v1", BundleRecipe()),
        ("message v0.3 Rekor v1 + TSA", BundleRecipe().timestamped()),
        ("message v0.3 Rekor v2 + TSA", BundleRecipe().log(.rekorV2).timestamped()),
        ("DSSE v0.1 Rekor v1", BundleRecipe().dsse().version(.v0_1)),
        ("DSSE v0.3 Rekor v1", BundleRecipe().dsse()),
        ("DSSE v0.3 Rekor v2 + TSA", BundleRecipe().dsse().log(.rekorV2).timestamped()),
        ("message v0.3 no log + TSA", BundleRecipe().log(.none).timestamped()),
    ]

    @Test("Keyless shapes verify with cosign's thresholds", arguments: 0..<shapes.count)
    func keylessShapes(_ index: Int) throws {
        let kit = try PrivateSigstore()
        let (name, recipe) = Self.shapes[index]
        let made = try kit.makeBundle(recipe)
        var options = VerifierOptions.keyless(now: kit.verificationTime, usesSignedTimestamps: recipe.timestamped)
        if recipe.log == .none { options.transparencyLogThreshold = 0 }
        let result = KitVerification.verify(made, kit: kit, options: options)
        let verified = try #require(result.verified, "\(name): \(String(describing: result.failure))")
        guard case .certificate(let certificate) = verified.signer else {
            Issue.record("\(name): signer is not a certificate")
            return
        }
        #expect(certificate.summary.subjectAlternativeName == LeafProfile.defaultIdentity)
        #expect(certificate.summary.issuer == LeafProfile.defaultIssuer)
        #expect(certificate.chain.count == 3)
        #expect(certificate.certificateTransparencyLogs == [kit.ctLogKey.publicKey.spkiSHA256])
        #expect(!verified.timestamps.isEmpty)
        if recipe.timestamped {
            #expect(verified.timestamps.contains { $0.source == .timestampAuthority(uri: kit.configuration.timestampAuthorityURL) })
        } else {
            #expect(verified.timestamps == [VerifiedTimestamp(time: kit.signingTime + 1, source: .transparencyLog(baseURL: kit.configuration.rekorV1URL))])
        }
        #expect(verified.logEntries.count == (recipe.log == .none ? 0 : 1))
        if case .dsse = recipe.content {
            #expect(verified.statement?.predicateType == "https://slsa.dev/provenance/v1")
        } else {
            #expect(verified.statement == nil)
        }
    }

    @Test("Artifact as bytes, as a file and as a digest", arguments: [false, true])
    func artifactForms(dsse: Bool) throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle(dsse ? BundleRecipe().dsse() : BundleRecipe())
        let scratch = try ScratchDirectory()
        let file = try scratch.write(made.artifact, named: "artifact")
        for artifact in [VerificationArtifact.bytes(made.artifact), .file(file), .digest(made.artifactDigest)] {
            let result = KitVerification.verify(made, kit: kit, artifact: artifact)
            #expect(result.verified != nil, "\(artifact): \(String(describing: result.failure))")
        }
    }

    @Test("A file larger than one read chunk is hashed in a stream")
    func largeFile() throws {
        let kit = try PrivateSigstore()
        let artifact = Data((0..<(ArtifactReader.chunkSize * 2 + 17)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let made = try kit.makeBundle(BundleRecipe(artifact: artifact))
        let scratch = try ScratchDirectory()
        let result = KitVerification.verify(made, kit: kit, artifact: .file(try scratch.write(artifact, named: "big")))
        #expect(result.verified != nil, "\(String(describing: result.failure))")
    }

    @Test("Key-signed bundles: P-256, Ed25519 (prehashed message, pure DSSE), with and without a log")
    func keyShapes() throws {
        let kit = try PrivateSigstore()
        let keys = [try PrivateKey.generateP256(), try KitKeys.generateEd25519()]
        for key in keys {
            for recipe in [BundleRecipe().signed(by: key).log(.none), BundleRecipe().signed(by: key),
                           BundleRecipe().signed(by: key).dsse(), BundleRecipe().signed(by: key).log(.rekorV2)] {
                let made = try kit.makeBundle(recipe)
                let result = KitVerification.verify(made, kit: kit)
                let verified = try #require(result.verified, "\(key.algorithm) \(recipe.log): \(String(describing: result.failure))")
                guard case .publicKey(let signer) = verified.signer else {
                    Issue.record("signer is not a key")
                    continue
                }
                #expect(signer == key.publicKey)
                #expect(verified.logEntries.count == (recipe.log == .none ? 0 : 1))
                #expect(verified.notes.isEmpty)
            }
        }
    }

    @Test("Ed25519 DSSE: a static key verifies pure and prehashed envelopes (cosign 3 signs with Ed25519ph); a certificate only pure")
    func ed25519PrehashedEnvelopes() throws {
        let kit = try PrivateSigstore()
        let key = try KitKeys.generateEd25519()
        for log in [BundleRecipe.Log.none, .rekorV1] {
            for scheme in [SignatureScheme.ed25519ph, .ed25519] {
                let made = try kit.makeBundle(BundleRecipe().signed(by: key).dsse().log(log).envelopeScheme(scheme))
                let result = KitVerification.verify(made, kit: kit)
                #expect(result.verified != nil, "\(scheme) \(log): \(String(describing: result.failure))")
            }
        }
        // With a certificate sigstore-go verifies DSSE with pure Ed25519 only.
        let certified = BundleRecipe().dsse().certificate { $0.key = key }
        #expect(KitVerification.verify(try kit.makeBundle(certified), kit: kit).verified != nil)
        let prehashed = KitVerification.verify(try kit.makeBundle(certified.envelopeScheme(.ed25519ph)), kit: kit)
        #expect(prehashed.failure?.check == .signature, "\(String(describing: prehashed.failure))")
    }

    @Test("Key path without a trusted root: passes on the key and says the log entries were not checked")
    func keyWithoutTrustedRoot() throws {
        let kit = try PrivateSigstore()
        let key = try PrivateKey.generateP256()
        let made = try kit.makeBundle(BundleRecipe().signed(by: key))
        let verifier = try SigstoreVerifier(trustedRoot: nil, options: .publicKey(now: kit.verificationTime))
        let result = verifier.verify(made.bundle, artifact: .bytes(made.artifact), policy: .publicKey(key.publicKey))
        let verified = try #require(result.verified)
        #expect(verified.logEntries.isEmpty)
        #expect(verified.notes == ["log entries not checked: no trusted root"])
        // Requiring a log entry without a root to check it against is refused.
        var options = VerifierOptions.publicKey(now: kit.verificationTime)
        options.transparencyLogThreshold = 1
        let strict = try SigstoreVerifier(trustedRoot: nil, options: options)
        #expect(strict.verify(made.bundle, artifact: .bytes(made.artifact), policy: .publicKey(key.publicKey)).failure?.check == .transparencyLog)
    }

    @Test("Several policy keys: the one that signed is reported")
    func severalKeys() throws {
        let kit = try PrivateSigstore()
        let signer = try PrivateKey.generateP256()
        let other = try PrivateKey.generateP256()
        let made = try kit.makeBundle(BundleRecipe().signed(by: signer))
        let result = KitVerification.verify(made, kit: kit, policy: .publicKeys([other.publicKey, signer.publicKey]))
        guard case .publicKey(let key)? = result.verified?.signer else {
            Issue.record("not verified: \(String(describing: result.failure))")
            return
        }
        #expect(key == signer.publicKey)
    }

    @Test("Validity windows are inclusive: a SET at the log key's validFor end verifies")
    func inclusiveWindows() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        var root = kit.trustedRoot
        root.transparencyLogs[0].validFor.end = kit.signingTime + 1
        #expect(KitVerification.verify(made, kit: kit, root: root).verified != nil)
        root.transparencyLogs[0].validFor.end = kit.signingTime
        #expect(KitVerification.verify(made, kit: kit, root: root).failure?.check == .transparencyLog)
    }

    @Test("The trusted root the kit writes round-trips through TrustedRoot(json:) and still verifies")
    func trustedRootRoundTrip() throws {
        let kit = try PrivateSigstore()
        let root = try TrustedRoot(json: kit.trustedRoot.encoded())
        #expect(root == kit.trustedRoot)
        let made = try kit.makeBundle(BundleRecipe().log(.rekorV2).timestamped())
        #expect(KitVerification.verify(try SigstoreBundle(json: made.json).kit(made), kit: kit, root: root).verified != nil)
    }
}

extension SigstoreBundle {
    /// `made` with this bundle in place of its own (after a JSON round trip).
    func kit(_ made: KitBundle) -> KitBundle {
        var copy = made
        copy.bundle = self
        return copy
    }
}
