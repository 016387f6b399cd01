import AirlockCrypto
import Foundation
import Testing
import OCI

@Suite("index.json updates: manifests, tags, locking")
struct IndexUpdateTests {
    @Test func addManifestStoresBlobAndListsIt() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let manifest = ImageManifest(config: .emptyJSON, layers: [])
        let bytes = try manifest.encoded()
        let entry = try layout.addManifest(bytes, mediaType: MediaType.ociManifest, annotations: [AnnotationKey.refName: "v1"],
                                           platform: Platform(os: "linux", architecture: "amd64"))
        #expect(entry.digest == Digest.of(bytes))
        #expect(try layout.readBlob(entry, limit: 1000) == bytes)
        #expect(try layout.readIndex().manifests == [entry])
        try layout.addManifest(bytes, mediaType: MediaType.ociManifest, annotations: [AnnotationKey.refName: "v1"],
                               platform: Platform(os: "linux", architecture: "amd64"))
        #expect(try layout.readIndex().manifests.count == 1)
    }

    @Test func secondCosignImageKindIsRefused() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let builder = ImageBuilder(layout: layout)
        let kind = [AnnotationKey.cosignKind: CosignLayoutKind.image.rawValue]
        let first = try builder.image(seed: "first")
        try layout.addManifest(first.bytes, mediaType: MediaType.ociManifest, annotations: kind)
        try layout.addManifest(first.bytes, mediaType: MediaType.ociManifest, annotations: kind)
        let second = try builder.image(seed: "second")
        let error = #expect(throws: OCIError.self) {
            try layout.addManifest(second.bytes, mediaType: MediaType.ociManifest, annotations: [AnnotationKey.cosignKind: CosignLayoutKind.imageIndex.rawValue])
        }
        #expect(error?.kind == .refused)
        #expect(try layout.readIndex().manifests.map(\.digest) == [first.manifest.digest])
    }

    @Test func addManifestRefusesBytesThatAreNotThatMediaType() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        #expect(throws: OCIError.self) { try layout.addManifest(Data("{}".utf8), mediaType: MediaType.ociManifest) }
        #expect(throws: OCIError.self) { try layout.addManifest(try ImageIndex().encoded(), mediaType: MediaType.ociManifest) }
        #expect(try layout.storedBlobs().isEmpty)
        #expect(try layout.readIndex().manifests.isEmpty)
    }

    @Test func tagMovesAndUntagRemoves() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let builder = ImageBuilder(layout: layout)
        let first = try builder.image(seed: "one").manifest
        let second = try builder.image(seed: "two").manifest
        try layout.tag(first.digest, as: "v1")
        try layout.tag(first.digest, as: "latest")
        #expect(try layout.resolve(.tag("v1")).digest == first.digest)
        try layout.tag(second.digest, as: "latest")
        let index = try layout.readIndex()
        #expect(index.tags == ["v1", "latest"])
        #expect(index.entries(taggedAs: "latest").map(\.digest) == [second.digest])
        #expect(index.manifests.count == 2)
        try layout.untag("v1")
        #expect(try layout.readIndex().manifests.map(\.digest) == [second.digest])
        let error = #expect(throws: OCIError.self) { try layout.untag("v1") }
        #expect(error?.kind == .notFound)
        #expect(layout.hasBlob(first.digest))
    }

    @Test func taggingACosignSavedEntryKeepsItsKindAndAddsNoSecondImage() throws {
        var index = ImageIndex(manifests: [Descriptor(mediaType: MediaType.ociManifest, digest: sha256("m"), size: 3,
                                                      annotations: [AnnotationKey.cosignKind: CosignLayoutKind.image.rawValue])])
        index.setTag("v1", on: index.manifests[0])
        #expect(index.manifests.count == 1)
        #expect(index.manifests[0].annotations == [AnnotationKey.cosignKind: CosignLayoutKind.image.rawValue, AnnotationKey.refName: "v1"])
        index.setTag("v2", on: index.manifests[0])
        #expect(index.manifests.count == 2)
        #expect(index.manifests[1].annotations == [AnnotationKey.refName: "v2"])
        index.removeTag("v1")
        #expect(index.manifests[0].annotations == [AnnotationKey.cosignKind: CosignLayoutKind.image.rawValue])
    }

    @Test func invalidTagIsRefused() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let manifest = try ImageBuilder(layout: layout).image(seed: "x").manifest
        #expect(throws: OCIError.self) { try layout.tag(manifest.digest, as: "no/slash") }
        #expect(throws: OCIError.self) { try layout.tag(sha256("absent"), as: "v1") }
    }

    @Test func indexJSONIsReplacedAtomicallyAndParses() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let manifest = try ImageBuilder(layout: layout).image(seed: "x").manifest
        try layout.tag(manifest.digest, as: "v1")
        let bytes = try Data(contentsOf: scratch.path("index.json"))
        #expect(try ImageIndex.decode(bytes).tags == ["v1"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path(OCILayout.temporaryDirectoryName).path).isEmpty)
    }

    @Test func layoutNamedThroughASymbolicLinkCanBeUpdated() throws {
        let scratch = try ScratchDirectory()
        let real = try OCILayout.create(at: scratch.path("real"))
        let manifest = try ImageBuilder(layout: real).image(seed: "x").manifest
        try FileManager.default.createSymbolicLink(at: scratch.path("link"), withDestinationURL: scratch.path("real"))
        // The directory fsync after the rename follows the link (it used to refuse it, after
        // index.json had already been replaced).
        try OCILayout.open(at: scratch.path("link")).tag(manifest.digest, as: "v1")
        #expect(try real.readIndex().tags == ["v1"])
    }

    @Test func updateIndexWithoutChangeDoesNotRewrite() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let before = try FileManager.default.attributesOfItem(atPath: scratch.path("index.json").path)[.systemFileNumber] as? Int
        try layout.updateIndex { _ in }
        let after = try FileManager.default.attributesOfItem(atPath: scratch.path("index.json").path)[.systemFileNumber] as? Int
        #expect(before == after)
    }

    @Test func concurrentWritersOnThreadsAllLand() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let manifest = try ImageBuilder(layout: layout).image(seed: "shared").manifest
        let count = 16
        let failures = FailureLog()
        DispatchQueue.concurrentPerform(iterations: count) { n in
            do {
                try layout.updateIndex { index in
                    // Widen the window between read and write so lost updates would show.
                    usleep(2000)
                    index.setTag("t\(n)", on: manifest)
                }
            } catch {
                failures.record("\(error)")
            }
        }
        #expect(failures.messages.isEmpty)
        #expect(Set(try layout.readIndex().tags) == Set((0..<count).map { "t\($0)" }))
    }
}

/// Errors collected from worker threads.
final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func record(_ message: String) {
        lock.lock()
        stored.append(message)
        lock.unlock()
    }

    var messages: [String] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
