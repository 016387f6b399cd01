import AirlockCrypto
import Foundation
import OCI
import Testing

/// Bad signatures, each in its own test: `airlock verify` must reject the image (exit 1, one
/// error line) and its report must name the check that failed.
@Suite("airlock verify rejects bad signatures")
struct SignatureRejectionTests {
    typealias Fixture = SigningFixture

    /// A fixture whose index is signed in `format` with the example key.
    static func signed(_ format: String = "legacy") throws -> Fixture {
        let fixture = try Fixture()
        let outcome = try fixture.run("sign", "--key", Fixture.exampleKey, "--format", format, fixture.path + ":v1")
        try #require(outcome.status == 0, "\(outcome)")
        return fixture
    }

    /// Verifies `image` with the example key and expects a rejection whose report has `line`.
    static func expectRejected(_ fixture: Fixture, image: String? = nil, reportLine line: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let outcome = try fixture.run("verify", "--key", Fixture.examplePub, image ?? fixture.path + ":v1")
        #expect(outcome.status == 1, "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.isOneLineError, "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.stdoutText.contains(line), "\(outcome.stdoutText)", sourceLocation: sourceLocation)
    }

    /// Rewrites the `.sig` manifest of the index with `edit` applied to its only layer.
    static func editSignatureLayer(_ fixture: Fixture, _ edit: (inout Descriptor) throws -> Void) throws {
        let entry = try fixture.signatureEntry(of: Fixture.indexDigest)
        var manifest = try fixture.manifest(entry)
        try edit(&manifest.layers[0])
        try fixture.replace(entry, withManifest: try manifest.encoded())
    }

    @Test func tamperedPayloadFailsTheSignatureCheck() throws {
        let fixture = try Self.signed()
        try Self.editSignatureLayer(fixture) { layer in
            var payload = try fixture.layout.readBlob(layer, limit: 1 << 20)
            let text = String(decoding: payload, as: UTF8.self).replacingOccurrences(of: "\"optional\":null", with: "\"optional\":{\"env\":\"prod\"}")
            payload = Data(text.utf8)
            try fixture.layout.addBlob(payload)
            layer.digest = Digest.of(payload)
            layer.size = Int64(payload.count)
        }
        try Self.expectRejected(fixture, reportLine: "REJECT legacy sha256-\(Fixture.indexDigest.dropFirst(7)).sig layer 1: signature: the signature over the artifact does not verify")
    }

    @Test func aCorruptedPayloadBlobIsNamed() throws {
        let fixture = try Self.signed()
        let layer = try fixture.manifest(try fixture.signatureEntry(of: Fixture.indexDigest)).layers[0]
        try Data("{}".utf8).write(to: try fixture.layout.blobURL(layer.digest))
        try Self.expectRejected(fixture, reportLine: "format: payload \(layer.digest) size 2 != descriptor \(layer.size)")
    }

    @Test func aSignatureByAnotherKeyIsRejected() throws {
        let fixture = try Fixture()
        let other = try fixture.generateKey("other")
        try #require(try fixture.run("sign", "--key", other.key, fixture.path + ":v1").status == 0)
        try Self.expectRejected(fixture, reportLine: "REJECT legacy")
        let outcome = try fixture.run("verify", "--key", Fixture.examplePub, fixture.path + ":v1")
        #expect(outcome.stdoutText.contains("signature: the signature over the artifact does not verify with the verification key"))
        #expect(outcome.stdoutText.contains("signature: the DSSE signature does not verify with the verification key"))
        #expect(outcome.stderrText.contains("0 of 1 keys verified (threshold 1); 2 of 2 signatures rejected"))
    }

    @Test func aPayloadNamingAnotherDigestIsNotReplayedOntoThisImage() throws {
        let fixture = try Fixture()
        let signed = try fixture.run("sign", "--key", Fixture.exampleKey, "--format", "legacy", "--reference", "registry.example/demo/app",
                                     "\(fixture.path)@\(Fixture.amd64Digest)")
        try #require(signed.status == 0, "\(signed)")
        let amd64Signatures = try fixture.signatureEntry(of: Fixture.amd64Digest)
        try fixture.layout.tag(amd64Signatures.digest, as: "sha256-\(Fixture.arm64Digest.dropFirst(7)).sig")
        try Self.expectRejected(fixture, image: "\(fixture.path)@\(Fixture.arm64Digest)",
                                reportLine: "claims: payload docker-manifest-digest \(Fixture.amd64Digest) is not the image digest \(Fixture.arm64Digest)")
    }

    @Test func aTruncatedBase64SignatureIsRejected() throws {
        let fixture = try Self.signed()
        try Self.editSignatureLayer(fixture) { layer in
            let signature = try #require(layer.annotations?["dev.cosignproject.cosign/signature"])
            layer.annotations?["dev.cosignproject.cosign/signature"] = String(signature.dropLast(5))
        }
        try Self.expectRejected(fixture, reportLine: "format: the dev.cosignproject.cosign/signature annotation is not valid base64")
    }

    @Test func aSignatureCutShortOfItsBytesFailsTheSignatureCheck() throws {
        let fixture = try Self.signed()
        try Self.editSignatureLayer(fixture) { layer in
            let text = try #require(layer.annotations?["dev.cosignproject.cosign/signature"])
            let signature = try #require(Data(base64Encoded: text))
            layer.annotations?["dev.cosignproject.cosign/signature"] = signature.prefix(signature.count - 6).base64EncodedString()
        }
        try Self.expectRejected(fixture, reportLine: "signature: the signature over the artifact does not verify")
    }

    @Test func aSignatureLayerWithAnotherMediaTypeIsRejected() throws {
        let fixture = try Self.signed()
        try Self.editSignatureLayer(fixture) { layer in layer.mediaType = MediaType.ociLayer }
        try Self.expectRejected(fixture, reportLine: "format: layer media type application/vnd.oci.image.layer.v1.tar is not application/vnd.dev.cosign.simplesigning.v1+json")
    }

    @Test func aSignatureImageThatIsNotAnImageManifestIsRejected() throws {
        let fixture = try Self.signed()
        let entry = try fixture.signatureEntry(of: Fixture.indexDigest)
        let asIndex = try ImageIndex(manifests: try fixture.manifest(entry).layers).encoded()
        let stored = try fixture.replace(entry, withManifest: asIndex, mediaType: MediaType.ociIndex)
        try Self.expectRejected(fixture, reportLine: "format: signature image sha256-\(Fixture.indexDigest.dropFirst(7)).sig cannot be read: signature image \(stored.digest) has media type application/vnd.oci.image.index.v1+json, not an image manifest")
    }

    @Test func aMissingSignatureImageIsRejected() throws {
        let fixture = try Self.signed()
        let entry = try fixture.signatureEntry(of: Fixture.indexDigest)
        try FileManager.default.removeItem(at: try fixture.layout.blobURL(entry.digest))
        try Self.expectRejected(fixture, reportLine: "format: signature image sha256-\(Fixture.indexDigest.dropFirst(7)).sig cannot be read: \(entry.digest) missing")
    }

    @Test func anUnsignedImageNeverPasses() throws {
        let fixture = try Fixture()
        let outcome = try fixture.run("verify", "--key", Fixture.examplePub, "--output", "json", fixture.path + ":v1")
        #expect(outcome.status == 1)
        #expect(outcome.isOneLineError)
        #expect(outcome.stderrText.contains("no signatures found for \(Fixture.indexDigest)"))
        let report = try #require(try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any])
        #expect(report["verdict"] as? String == "fail")
    }

    @Test func aBundleWhoseSubjectNamesAnotherDigestIsRejected() throws {
        let fixture = try Fixture()
        let signed = try fixture.run("sign", "--key", Fixture.exampleKey, "--format", "bundle", "--reference", "registry.example/demo/app",
                                     "\(fixture.path)@\(Fixture.amd64Digest)")
        try #require(signed.status == 0, "\(signed)")
        let referrer = try #require(try fixture.referrerEntries().first)
        var manifest = try fixture.manifest(referrer)
        let arm64 = try fixture.layout.resolve(.digest(try Digest(parsing: Fixture.arm64Digest)))
        manifest.subject = Descriptor(mediaType: arm64.mediaType, digest: arm64.digest, size: arm64.size)
        let moved = try fixture.replace(referrer, withManifest: try manifest.encoded())
        try Self.expectRejected(fixture, image: "\(fixture.path)@\(Fixture.arm64Digest)",
                                reportLine: "REJECT bundle referrer \(moved.digest): artifactDigest: no subject of the in-toto statement has the artifact digest \(Fixture.arm64Digest)")
    }

    @Test func aBundleReferrerWithTwoLayersIsRejected() throws {
        let fixture = try Self.signed("bundle")
        let referrer = try #require(try fixture.referrerEntries().first)
        var manifest = try fixture.manifest(referrer)
        manifest.layers.append(manifest.layers[0])
        let moved = try fixture.replace(referrer, withManifest: try manifest.encoded())
        try FileManager.default.removeItem(at: try fixture.layout.blobURL(referrer.digest))
        try Self.expectRejected(fixture, reportLine: "REJECT bundle referrer \(moved.digest): format: the referrer has 2 layers; a bundle referrer has exactly one")
    }
}
