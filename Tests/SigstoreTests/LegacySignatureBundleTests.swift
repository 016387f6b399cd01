import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore
import SigstoreTestKit
import Testing

/// Legacy annotation signatures, rewritten as bundles, go through the same verifier.
@Suite("LegacySignatureBundle")
struct LegacySignatureBundleTests {
    private func legacy(_ annotations: LegacyAnnotations, dropping: String? = nil,
                        replacing: (String, String)? = nil) throws -> LegacySignatureBundle {
        var values = annotations.annotations
        if let dropping { values[dropping] = nil }
        if let (key, value) = replacing { values[key] = value }
        return try LegacySignatureBundle(layer: annotations.layer, signature: values[LegacyAnnotations.signatureKey] ?? "",
                                         certificate: values[LegacyAnnotations.certificateKey],
                                         chain: values[LegacyAnnotations.chainKey],
                                         rekorBundle: values[LegacyAnnotations.bundleKey],
                                         rfc3161Timestamp: values[LegacyAnnotations.timestampKey])
    }

    private func verify(_ legacy: LegacySignatureBundle, kit: PrivateSigstore, artifact: VerificationArtifact,
                        options: VerifierOptions? = nil, policy: SignerPolicy = .identity(KitVerification.identity)) throws -> VerificationResult {
        try SigstoreVerifier(trustedRoot: kit.trustedRoot, options: options ?? .keyless(now: kit.verificationTime))
            .verify(legacy, artifact: artifact, policy: policy)
    }

    @Test("A keyless simple-signing layer with a bundle annotation verifies over the layer bytes")
    func keylessSignature() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        let annotations = try made.legacyAnnotations(chain: [kit.fulcioIntermediate, kit.fulcioRoot])
        let converted = try legacy(annotations)
        #expect(converted.bundle.version == .v0_1)
        #expect(converted.bundle.verificationMaterial.tlogEntries.first?.inclusionProof == nil)
        let result = try verify(converted, kit: kit, artifact: .bytes(annotations.layer))
        #expect(result.verified?.timestamps.first?.source == .transparencyLog(baseURL: kit.configuration.rekorV1URL),
                "\(String(describing: result.failure))")
        // One defect each: the SET, the signature, the layer.
        var rekorBundle = try #require(annotations.annotations[LegacyAnnotations.bundleKey])
        rekorBundle = rekorBundle.replacingOccurrences(of: "\"integratedTime\":", with: "\"integratedTime\":1")
        #expect(try verify(try legacy(annotations, replacing: (LegacyAnnotations.bundleKey, rekorBundle)), kit: kit,
                           artifact: .bytes(annotations.layer)).failure?.check == .transparencyLog)
        #expect(try verify(converted, kit: kit, artifact: .bytes(annotations.layer + Data("x".utf8))).failure?.check == .signature)
        #expect(try verify(try legacy(annotations, dropping: LegacyAnnotations.bundleKey), kit: kit,
                           artifact: .bytes(annotations.layer)).failure?.check == .transparencyLog)
    }

    @Test("Keys in the bundle annotation are matched case-insensitively, as Go does")
    func caseInsensitiveKeys() throws {
        let kit = try PrivateSigstore()
        let annotations = try kit.makeBundle().legacyAnnotations(chain: [kit.fulcioIntermediate])
        let text = try #require(annotations.annotations[LegacyAnnotations.bundleKey])
            .replacingOccurrences(of: "SignedEntryTimestamp", with: "signedEntryTimestamp")
            .replacingOccurrences(of: "\"Payload\"", with: "\"payload\"")
        let converted = try legacy(annotations, replacing: (LegacyAnnotations.bundleKey, text))
        #expect(try verify(converted, kit: kit, artifact: .bytes(annotations.layer)).verified != nil)
    }

    @Test("A key-signed layer, with and without a log entry")
    func keySigned() throws {
        let kit = try PrivateSigstore()
        let key = try PrivateKey.generateP256()
        for log in [BundleRecipe.Log.rekorV1, .none] {
            let annotations = try kit.makeBundle(BundleRecipe().signed(by: key).log(log)).legacyAnnotations(chain: [])
            let result = try verify(try legacy(annotations), kit: kit, artifact: .bytes(annotations.layer),
                                    options: .publicKey(now: kit.verificationTime), policy: .publicKey(key.publicKey))
            #expect(result.verified != nil, "\(String(describing: result.failure))")
        }
    }

    @Test("An attestation layer: DSSE checked against the image digest; its timestamp may cover the envelope JSON")
    func attestation() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle(BundleRecipe().dsse().timestamped())
        let annotations = try made.legacyAnnotations(chain: [kit.fulcioIntermediate])
        #expect(annotations.annotations[LegacyAnnotations.signatureKey] == "")
        let options = VerifierOptions.keyless(now: kit.verificationTime, usesSignedTimestamps: true)
        let converted = try legacy(annotations)
        #expect(try verify(converted, kit: kit, artifact: .digest(made.artifactDigest), options: options).verified != nil)
        // cosign ≤ 2 timestamped the envelope JSON instead of the signature.
        let overLayer = try kit.timestampAuthority.timestamp(annotations.layer, at: kit.signingTime + 1)
        let stamped = try legacy(annotations, replacing: (LegacyAnnotations.timestampKey,
                                                          "{\"SignedRFC3161Timestamp\":\"\(Base64.encode(overLayer))\"}"))
        let result = try verify(stamped, kit: kit, artifact: .digest(made.artifactDigest), options: options)
        #expect(result.verified?.timestamps.contains { $0.source == .timestampAuthority(uri: kit.configuration.timestampAuthorityURL) } == true,
                "\(String(describing: result.failure))")
        // The same token in a plain bundle (whose timestamp must cover the signature) does not count.
        var plain = made
        plain.bundle.verificationMaterial.rfc3161Timestamps = [overLayer]
        #expect(KitVerification.verify(plain, kit: kit, options: options).failure?.check == .signedTimestamp)
    }

    @Test("Malformed annotations are refused with a message naming them", arguments: [
        (LegacyAnnotations.bundleKey, "{"), (LegacyAnnotations.bundleKey, "{\"Payload\":{}}"),
        (LegacyAnnotations.timestampKey, "{}"), (LegacyAnnotations.certificateKey, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
        (LegacyAnnotations.signatureKey, "%%%"),
    ])
    func malformed(key: String, value: String) throws {
        let kit = try PrivateSigstore()
        let annotations = try kit.makeBundle().legacyAnnotations(chain: [])
        #expect(throws: FormatError.self) { try legacy(annotations, replacing: (key, value)) }
    }
}
