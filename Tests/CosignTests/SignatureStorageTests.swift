import AirlockJSON
import AirlockCrypto
import Cosign
import Foundation
import OCI
import Sigstore
import Testing

@Suite("Signature images and bundle referrers")
struct SignatureStorageTests {
    @Test func signatureImageConfigAndManifestAreWhatGoContainerRegistryWrites() throws {
        let payload = Data("payload".utf8)
        let layer = SignatureLayer(payload: payload, signature: Data([1, 2, 3]))
        let image = SignatureImage(layers: [layer])
        let payloadDigest = Digest.of(payload)
        #expect(String(decoding: image.configBytes, as: UTF8.self)
            == #"{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["\#(payloadDigest)"]},"config":{}}"#)
        let config = Digest.of(image.configBytes)
        #expect(String(decoding: image.manifestBytes, as: UTF8.self)
            == #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":\#(image.configBytes.count),"digest":"\#(config)"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":7,"digest":"\#(payloadDigest)","annotations":{"dev.cosignproject.cosign/signature":"AQID"}}]}"#)
        #expect(SignatureImage.tag(for: payloadDigest) == "sha256-\(payloadDigest.hex).sig")
    }

    @Test func readingRefusesNonManifestsAndTooManyLayers() throws {
        let store = try TestLayout()
        let index = try store.layout.storeManifest(try ImageIndex().encoded(), mediaType: MediaType.ociIndex)
        #expect(throws: CosignError("signature image \(index.digest) has media type \(MediaType.ociIndex), not an image manifest (\(MediaType.ociManifest))")) {
            try SignatureImage(manifest: try store.layout.readManifest(index))
        }
        let layers = (0...SignatureImage.maxLayers).map { SignatureLayer(payload: Data("p\($0)".utf8), signature: Data([1])) }
        let big = try store.layout.storeManifest(SignatureImage(layers: layers).manifestBytes, mediaType: MediaType.ociManifest)
        #expect(throws: CosignError("signature image \(big.digest) has 1001 layers, over the limit of 1000")) {
            try SignatureImage(manifest: try store.layout.readManifest(big))
        }
    }

    @Test func bundleReferrerHasCosignsShape() throws {
        let subject = Descriptor(mediaType: MediaType.ociIndex, content: Data("index".utf8), annotations: ["x": "y"])
        let bundle = Data(#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#.utf8)
        let referrer = BundleReferrer(bundle: bundle, subject: subject, predicateType: InTotoStatement.cosignSignPredicateType,
                                      created: Date(timeIntervalSince1970: 1_784_917_918.75))
        let manifest = try ImageManifest.decode(referrer.manifestBytes)
        #expect(manifest.mediaType == MediaType.ociManifest)
        #expect(manifest.artifactType == MediaType.sigstoreBundleV03)
        #expect(manifest.config.digest.description == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
        #expect(manifest.config.size == 2)
        #expect(manifest.layers == [Descriptor(mediaType: MediaType.sigstoreBundleV03, content: bundle)])
        #expect(manifest.subject == Descriptor(mediaType: MediaType.ociIndex, digest: subject.digest, size: subject.size))
        #expect(manifest.annotations == [
            "dev.sigstore.bundle.content": "dsse-envelope",
            "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1",
            "org.opencontainers.image.created": "2026-07-24T18:31:58Z",
        ])
        #expect(String(decoding: referrer.manifestBytes, as: UTF8.self).hasPrefix(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,"#))
    }

    @Test func creationTimeHonoursSourceDateEpoch() throws {
        let now = Date(timeIntervalSince1970: 5)
        #expect(try BundleReferrer.creationTime(environment: [:], now: now) == now)
        #expect(try BundleReferrer.creationTime(environment: ["SOURCE_DATE_EPOCH": "1700000000"], now: now) == Date(timeIntervalSince1970: 1_700_000_000))
        for bad in ["", "-1", "1.5", "12a", "99999999999999999999"] {
            #expect(throws: CosignError.self) { try BundleReferrer.creationTime(environment: ["SOURCE_DATE_EPOCH": bad], now: now) }
        }
    }

    @Test func blobSignatureBundleCarriesTheHintAndTheFileDigest() throws {
        let key = try PrivateKey.generateP256()
        let contents = Data("file contents\n".utf8)
        let signed = try BlobSignature(signing: contents, with: key)
        #expect(key.publicKey.isValidSignature(signed.signature, for: contents, scheme: .ecdsa(.sha256)))
        #expect(Base64.decodeStandard(signed.signatureBase64) == signed.signature)
        let parsed = try SigstoreBundle(json: signed.bundle.encoded())
        #expect(parsed.version == .v0_3)
        #expect(parsed.verificationMaterial.signer == .publicKey(hint: key.publicKey.bundleHint))
        #expect(parsed.verificationMaterial.tlogEntries.isEmpty)
        #expect(parsed.content == .messageSignature(MessageSignature(messageDigest: Digest.of(contents), signature: signed.signature)))
    }
}
