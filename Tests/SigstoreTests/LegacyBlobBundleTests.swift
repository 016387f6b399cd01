import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore
import SigstoreTestKit
import Testing

/// cosign's legacy blob bundle (`base64Signature`, `cert`, `rekorBundle`) is read as a v0.1
/// bundle and checked by the same verifier.
@Suite("LegacyBlobBundle")
struct LegacyBlobBundleTests {
    private func verify(_ json: Data, _ made: KitBundle, kit: PrivateSigstore,
                        artifact: VerificationArtifact? = nil) throws -> VerificationResult {
        var converted = made
        converted.bundle = try SigstoreBundle.blobBundle(json: json)
        return KitVerification.verify(converted, kit: kit, artifact: artifact)
    }

    /// `json` with its top-level object (or `rekorBundle.Payload`) changed.
    private func edited(_ json: Data, payload: Bool = false, _ change: (inout [String: Any]) -> Void) throws -> Data {
        var root = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        if payload {
            var rekorBundle = try #require(root["rekorBundle"] as? [String: Any])
            var inner = try #require(rekorBundle["Payload"] as? [String: Any])
            change(&inner)
            rekorBundle["Payload"] = inner
            root["rekorBundle"] = rekorBundle
        } else {
            change(&root)
        }
        return try JSONSerialization.data(withJSONObject: root)
    }

    @Test("A keyless legacy blob bundle verifies by bytes and by digest, with its SET as the signing time")
    func keyless() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        let json = try made.legacyBlobBundle()
        let converted = try SigstoreBundle.blobBundle(json: json)
        #expect(converted.version == .v0_1)
        let result = try verify(json, made, kit: kit)
        #expect(result.verified?.timestamps.first?.source == .transparencyLog(baseURL: kit.configuration.rekorV1URL),
                "\(String(describing: result.failure))")
        #expect(try verify(json, made, kit: kit, artifact: .digest(made.artifactDigest)).verified != nil)
    }

    @Test("One defect each is rejected by the check it breaks")
    func defects() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        let json = try made.legacyBlobBundle()
        #expect(try verify(json, made, kit: kit, artifact: .bytes(made.artifact + Data("x".utf8))).failure?.check == .signature)
        let otherTime = try edited(json, payload: true) { $0["integratedTime"] = (($0["integratedTime"] as? Int) ?? 0) + 1 }
        #expect(try verify(otherTime, made, kit: kit).failure?.check == .transparencyLog)
        let noLog = try edited(json) { $0["rekorBundle"] = nil }
        #expect(try verify(noLog, made, kit: kit).failure?.check == .transparencyLog)
        let other = try kit.makeBundle(BundleRecipe(artifact: Data("another artifact".utf8)))
        let swappedSignature = try edited(json) { $0["base64Signature"] = Base64.encode(other.bundle.content.signature) }
        #expect(try verify(swappedSignature, made, kit: kit).verified == nil)
    }

    @Test("A key-signed legacy blob bundle verifies with the key, not with another")
    func keySigned() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle(BundleRecipe().signed(by: try PrivateKey.generateP256()))
        let json = try made.legacyBlobBundle()
        let result = try verify(json, made, kit: kit)
        #expect(result.verified != nil, "\(String(describing: result.failure))")
        let stranger = try PrivateKey.generateP256()
        let converted = try SigstoreBundle.blobBundle(json: json)
        let rejected = try SigstoreVerifier(trustedRoot: kit.trustedRoot, options: .publicKey(now: kit.verificationTime))
            .verify(converted, artifact: .bytes(made.artifact), policy: .publicKey(stranger.publicKey))
        #expect(rejected.verified == nil)
    }

    @Test("Malformed legacy bundles are refused with the field named; Sigstore bundles still parse")
    func malformed() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        let json = try made.legacyBlobBundle()
        let cases: [(Data, String)] = [
            (try edited(json) { $0["extra"] = true }, "unknown field \"extra\""),
            (try edited(json) { $0["base64Signature"] = "" }, "base64Signature"),
            (try edited(json) { $0["cert"] = Base64.encode(Data("not pem".utf8)) }, "legacy bundle.cert"),
            (try edited(json, payload: true) { $0["body"] = nil }, "rekorBundle"),
        ]
        for (input, expected) in cases {
            let error = #expect(throws: FormatError.self) { try SigstoreBundle.blobBundle(json: input) }
            if let error { #expect(error.message.contains(expected), "\(error)") }
        }
        #expect(try SigstoreBundle.blobBundle(json: made.json) == made.bundle)
    }
}
