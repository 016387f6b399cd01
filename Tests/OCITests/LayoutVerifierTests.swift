import AirlockCrypto
import Foundation
import Testing
import OCI

@Suite("Layout verification")
struct LayoutVerifierTests {
    /// A tagged multi-platform image in a fresh layout (removed with the value).
    struct TaggedLayout {
        let scratch: ScratchDirectory
        let layout: OCILayout
        let platforms: [Descriptor]
    }

    func makeLayout() throws -> TaggedLayout {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let (index, platforms) = try ImageBuilder(layout: layout).multiPlatformIndex(seed: "verify")
        try layout.tag(index.digest, as: "v1")
        return TaggedLayout(scratch: scratch, layout: layout, platforms: platforms)
    }

    func layers(of manifest: Descriptor, in layout: OCILayout) throws -> ImageManifest {
        guard case .image(let image) = try layout.readManifest(manifest).document else { throw OCIError(.malformed, "not an image") }
        return image
    }

    @Test func intactLayoutPasses() throws {
        let fixture = try makeLayout()
        let layout = fixture.layout
        let result = try LayoutVerifier(layout: layout).verify()
        #expect(result.passed)
        #expect(result.blobs.count == 7)
        #expect(result.manifestCount == 3)
        #expect(result.verifiedBytes == result.blobs.reduce(0) { $0 + $1.descriptor.size })
        #expect(result.unreachable.isEmpty)
    }

    @Test func missingBlobIsNamed() throws {
        let fixture = try makeLayout()
        let layout = fixture.layout
        let platforms = fixture.platforms
        let layer = try layers(of: platforms[0], in: layout).layers[0]
        try FileManager.default.removeItem(at: layout.blobURL(layer.digest))
        let result = try LayoutVerifier(layout: layout).verify()
        #expect(result.problems.map(\.description) == ["\(layer.digest) missing"])
        #expect(result.problems.first?.role == .layer)
        #expect(!result.hasUnreadableContent)
    }

    @Test func digestMismatchIsNamed() throws {
        let fixture = try makeLayout()
        let layout = fixture.layout
        let platforms = fixture.platforms
        let config = try layers(of: platforms[1], in: layout).config
        var bytes = try Data(contentsOf: layout.blobURL(config.digest))
        bytes[0] ^= 1
        try layout.corruptBlob(config.digest, with: bytes)
        let result = try LayoutVerifier(layout: layout).verify()
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.error.kind == .digestMismatch)
        #expect(result.problems.first?.description.hasPrefix("\(config.digest) digest mismatch") == true)
    }

    @Test func sizeMismatchIsNamed() throws {
        let fixture = try makeLayout()
        let layout = fixture.layout
        let platforms = fixture.platforms
        let layer = try layers(of: platforms[1], in: layout).layers[0]
        try layout.corruptBlob(layer.digest, with: try Data(contentsOf: layout.blobURL(layer.digest)).dropLast(2))
        let result = try LayoutVerifier(layout: layout).verify()
        #expect(result.problems.map(\.description) == ["\(layer.digest) size \(layer.size - 2) != descriptor \(layer.size)"])
    }

    @Test func malformedManifestIsUnreadableContent() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let bogus = Data(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":42,"layers":[]}"#.utf8)
        let digest = try layout.addBlob(bogus)
        try layout.updateIndex { $0.manifests.append(Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: Int64(bogus.count))) }
        let result = try LayoutVerifier(layout: layout).verify()
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.error.kind == .malformed)
        #expect(result.problems.first?.description.contains("config: expected an object") == true)
        #expect(result.hasUnreadableContent)
    }

    @Test func symlinkedBlobIsRefused() throws {
        let fixture = try makeLayout()
        let layout = fixture.layout
        let platforms = fixture.platforms
        let scratch = fixture.scratch
        let layer = try layers(of: platforms[0], in: layout).layers[0]
        let copy = scratch.path("copy")
        try FileManager.default.moveItem(at: layout.blobURL(layer.digest), to: copy)
        try FileManager.default.createSymbolicLink(at: layout.blobURL(layer.digest), withDestinationURL: copy)
        let result = try LayoutVerifier(layout: layout).verify()
        #expect(result.problems.first?.error.kind == .refused)
        #expect(result.hasUnreadableContent)
    }

    @Test func unreachableBlobsAreNotesNotFailures() throws {
        let fixture = try makeLayout()
        let layout = fixture.layout
        let scratch = fixture.scratch
        let stray = try layout.addBlob(Data("nobody points here".utf8))
        try scratch.write("junk", to: "blobs/sha256/junk")
        let result = try LayoutVerifier(layout: layout).verify()
        #expect(result.passed)
        #expect(result.unreachable.map(\.relativePath) == ["blobs/sha256/\(stray.hex)", "blobs/sha256/junk"])
    }

    @Test func absentForeignLayerIsSkipped() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let config = try layout.addBlob(Data("{}".utf8))
        var foreign = Descriptor(mediaType: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", digest: sha256("windows base"), size: 1234)
        foreign.urls = ["https://mcr.example/layer"]
        let manifest = ImageManifest(mediaType: MediaType.dockerManifest, config: Descriptor(mediaType: MediaType.dockerConfig, digest: config, size: 2), layers: [foreign])
        try layout.addManifest(try manifest.encoded(), mediaType: MediaType.dockerManifest)
        let result = try LayoutVerifier(layout: layout).verify()
        #expect(result.passed)
        #expect(result.skippedForeignLayers.map(\.digest) == [foreign.digest])
    }

    @Test func sequentialAndParallelAgree() throws {
        let fixture = try makeLayout()
        let layout = fixture.layout
        let platforms = fixture.platforms
        let layer = try layers(of: platforms[0], in: layout).layers[0]
        try FileManager.default.removeItem(at: layout.blobURL(layer.digest))
        let one = try LayoutVerifier(layout: layout, parallelism: 1).verify()
        let two = try LayoutVerifier(layout: layout, parallelism: 2).verify()
        #expect(one.problems == two.problems)
        #expect(one.verifiedBytes == two.verifiedBytes)
    }

    /// A layer over `StreamHasher.backgroundThreshold` that is the only large blob is hashed
    /// overlapped with its reading (two workers, nothing else to do): corruption is still found.
    @Test func largeLayerIsCheckedWhenOverlapped() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let manifest = try ImageBuilder(layout: layout).image(seed: "large", layerSize: Int(StreamHasher.backgroundThreshold) + 5).manifest
        try layout.updateIndex { $0.manifests.append(manifest) }
        #expect(try LayoutVerifier(layout: layout, parallelism: 2).verify().passed)
        let layer = try layers(of: manifest, in: layout).layers[0]
        var bytes = try Data(contentsOf: layout.blobURL(layer.digest))
        bytes[bytes.count - 1] ^= 1
        try layout.corruptBlob(layer.digest, with: bytes)
        let result = try LayoutVerifier(layout: layout, parallelism: 2).verify()
        #expect(result.problems.map(\.error.kind) == [.digestMismatch])
        #expect(result.problems.first?.digest == layer.digest)
    }

    @Test func malformedIndexJSONThrows() throws {
        let fixture = try makeLayout()
        let layout = fixture.layout
        let scratch = fixture.scratch
        try scratch.write("{\"schemaVersion\":2,", to: "index.json")
        #expect(throws: OCIError.self) { try LayoutVerifier(layout: layout).verify() }
    }
}
