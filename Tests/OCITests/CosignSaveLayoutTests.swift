import AirlockCrypto
import Foundation
import Testing
import OCI

/// A layout written the way `cosign save` writes it (FORMATS.md §5.1): 4-space `oci-layout`,
/// 3-space `index.json` with `kind` annotations and no `ref.name`, Go field order
/// (mediaType, size, digest), and a bundle referrer present only as blobs.
struct CosignSavedLayout {
    let scratch: ScratchDirectory
    var image = Digest.of(Data())
    var signatureImage = Digest.of(Data())
    var referrer = Digest.of(Data())
    var bundle = Digest.of(Data())

    init(imageKind: CosignLayoutKind = .image) throws {
        scratch = try ScratchDirectory()
        try scratch.write("{\n    \"imageLayoutVersion\": \"1.0.0\"\n}", to: "oci-layout")
        let layer = try blob("layer bytes of the image")
        let config = try blob(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#)
        let imageManifest = try blob(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":\#(config.size),"digest":"\#(config.digest)"},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":\#(layer.size),"digest":"\#(layer.digest)"}]}"#)
        image = imageManifest.digest
        let payload = try blob(#"{"critical":{"identity":{"docker-reference":"registry.example/demo/app"},"image":{"docker-manifest-digest":"\#(image)"},"type":"cosign container image signature"},"optional":null}"#)
        let sigConfig = try blob(#"{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":["\#(payload.digest)"]},"config":{}}"#)
        let sigManifest = try blob(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":\#(sigConfig.size),"digest":"\#(sigConfig.digest)"},"layers":[{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":\#(payload.size),"digest":"\#(payload.digest)","annotations":{"dev.cosignproject.cosign/signature":"MEUCIQ=="}}]}"#)
        signatureImage = sigManifest.digest
        let bundleBlob = try blob(#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":{}}"#)
        bundle = bundleBlob.digest
        let empty = try blob("{}")
        let referrerManifest = try blob(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,"digest":"\#(empty.digest)","artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"},"layers":[{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","size":\#(bundleBlob.size),"digest":"\#(bundleBlob.digest)"}],"annotations":{"dev.sigstore.bundle.content":"dsse-envelope","dev.sigstore.bundle.predicateType":"https://sigstore.dev/cosign/sign/v1","org.opencontainers.image.created":"2026-07-24T18:31:58Z"},"subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":\#(imageManifest.size),"digest":"\#(image)"},"artifactType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#)
        referrer = referrerManifest.digest
        let index = """
        {
           "schemaVersion": 2,
           "mediaType": "application/vnd.oci.image.index.v1+json",
           "manifests": [
              {
                 "mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "size": \(imageManifest.size),
                 "digest": "\(image)",
                 "annotations": {
                    "kind": "\(imageKind.rawValue)"
                 }
              },
              {
                 "mediaType": "application/vnd.oci.image.manifest.v1+json",
                 "size": \(sigManifest.size),
                 "digest": "\(signatureImage)",
                 "annotations": {
                    "kind": "dev.cosignproject.cosign/sigs"
                 }
              }
           ]
        }
        """
        try scratch.write(index, to: "index.json")
    }

    /// Writes a blob the way go-containerregistry does (plain file named by its digest).
    private func blob(_ text: String) throws -> (digest: Digest, size: Int) {
        let data = Data(text.utf8)
        let digest = Digest.of(data)
        try scratch.write(data, to: "blobs/sha256/\(digest.hex)")
        return (digest, data.count)
    }
}

@Suite("Layouts written by cosign save")
struct CosignSaveLayoutTests {
    @Test func opensAndResolvesTheImageByKind() throws {
        let saved = try CosignSavedLayout()
        let layout = try OCILayout.open(at: saved.scratch.url)
        let image = try layout.resolve(.soleImage)
        #expect(image.digest == saved.image)
        #expect(image.cosignKind == .image)
        #expect(try layout.resolve(.digest(saved.signatureImage)).cosignKind == .signatures)
        #expect(throws: OCIError.self) { try layout.resolve(.tag("latest")) }
    }

    @Test func imageIndexKindIsTheSoleImageToo() throws {
        let saved = try CosignSavedLayout(imageKind: .imageIndex)
        #expect(try OCILayout.open(at: saved.scratch.url).resolve(.soleImage).digest == saved.image)
    }

    @Test func referrersStoredOnlyAsBlobsAreFoundBySubject() throws {
        let saved = try CosignSavedLayout()
        let layout = try OCILayout.open(at: saved.scratch.url)
        let referrers = try layout.referrers(of: saved.image)
        #expect(referrers.map(\.descriptor.digest) == [saved.referrer])
        let descriptor = try #require(referrers.first?.descriptor)
        #expect(descriptor.artifactType == MediaType.sigstoreBundleV03)
        #expect(descriptor.mediaType == MediaType.ociManifest)
        #expect(descriptor.annotation("dev.sigstore.bundle.predicateType") == "https://sigstore.dev/cosign/sign/v1")
        guard case .image(let manifest) = try #require(referrers.first?.document) else { Issue.record("not a manifest"); return }
        #expect(manifest.layers.map(\.digest) == [saved.bundle])
        #expect(try layout.referrers(of: saved.signatureImage).isEmpty)
    }

    @Test func verifyCoversReferrersAndLeavesNothingUnreachable() throws {
        let saved = try CosignSavedLayout()
        let layout = try OCILayout.open(at: saved.scratch.url)
        let result = try LayoutVerifier(layout: layout).verify()
        #expect(result.passed)
        #expect(result.referrers.map(\.digest) == [saved.referrer])
        #expect(result.unreachable.isEmpty)
        try layout.corruptBlob(saved.bundle, with: Data(#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":[]}"#.utf8))
        let corrupted = try LayoutVerifier(layout: layout).verify()
        #expect(corrupted.problems.map(\.digest) == [saved.bundle])
        #expect(corrupted.problems.first?.error.kind == .digestMismatch)
    }

    @Test func taggingASavedLayoutKeepsCosignsView() throws {
        let saved = try CosignSavedLayout()
        let layout = try OCILayout.open(at: saved.scratch.url)
        try layout.tag(saved.image, as: "v1")
        let index = try layout.readIndex()
        #expect(index.manifests.filter { $0.cosignKind == .image }.count == 1)
        #expect(index.manifests.first?.refName == "v1")
        #expect(try layout.resolve(.tag("v1")).digest == saved.image)
    }
}
