import AirlockCrypto
import Foundation
import Testing
import OCI

@Suite("Walking reachable blobs")
struct WalkTests {
    @Test func multiPlatformWalkVisitsEveryBlobOnce() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let builder = ImageBuilder(layout: layout)
        let (index, platforms) = try builder.multiPlatformIndex(seed: "w")
        let walk = layout.walk(from: [index, index, platforms[0]])
        #expect(walk.problems.isEmpty)
        // index + 2 × (manifest + config + layer)
        #expect(walk.blobs.count == 7)
        #expect(Set(walk.blobs.map(\.descriptor.digest)).count == 7)
        #expect(walk.blobs.map(\.role) == [.index, .manifest, .config, .layer, .manifest, .config, .layer])
        #expect(walk.blobs.map(\.depth) == [0, 1, 2, 2, 1, 2, 2])
        #expect(walk.manifests.count == 3)
        #expect(Set(walk.blobs.map(\.descriptor.digest)) == Set(try layout.storedBlobs().compactMap(\.digest)))
    }

    @Test func subjectIsNotFollowed() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let builder = ImageBuilder(layout: layout)
        let image = try builder.image(seed: "subject").manifest
        let referrer = try builder.bundleReferrer(of: image, bundle: #"{"b":1}"#)
        let reached = try layout.reachableBlobs(from: [referrer]).map(\.descriptor.digest)
        #expect(reached.count == 3)
        #expect(!reached.contains(image.digest))
    }

    @Test func missingManifestIsAProblemAndTheWalkGoesOn() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let builder = ImageBuilder(layout: layout)
        let (index, platforms) = try builder.multiPlatformIndex(seed: "gone")
        try FileManager.default.removeItem(at: layout.blobURL(platforms[0].digest))
        let walk = layout.walk(from: [index])
        #expect(walk.problems.map(\.description) == ["\(platforms[0].digest) missing"])
        #expect(walk.blobs.count == 5)
        #expect(throws: OCIError.self) { try layout.reachableBlobs(from: [index]) }
    }

    @Test func nestingDepthIsBounded() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        var top = try ImageBuilder(layout: layout).image(seed: "deep").manifest
        for _ in 0..<OCILimits.maxNestingDepth + 1 {
            top = try layout.storeManifest(try ImageIndex(manifests: [top]).encoded(), mediaType: MediaType.ociIndex)
        }
        let walk = layout.walk(from: [top])
        #expect(walk.problems.count == 1)
        #expect(walk.problems.first?.error.kind == .refused)
        #expect(walk.problems.first?.description.contains("nested more than 8 levels") == true)
    }

    @Test func embeddedDataMustMatchItsDigest() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        var layer = Descriptor(mediaType: MediaType.ociLayer, content: Data("real".utf8))
        layer.data = Data("fake".utf8)
        let walk = layout.walk(from: [layer])
        #expect(walk.problems.first?.error.kind == .digestMismatch)
    }
}
