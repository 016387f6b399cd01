import AirlockCrypto
import Foundation
import Testing
import OCI

@Suite("Resolving DIR, DIR:TAG and DIR@DIGEST")
struct ResolveTests {
    @Test func soleImageIsTheOnlyEntry() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let image = try ImageBuilder(layout: layout).image(seed: "a").manifest
        try layout.tag(image.digest, as: "v1")
        #expect(try layout.resolve(.soleImage).digest == image.digest)
    }

    @Test func severalImagesAreAmbiguousAndListed() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let builder = ImageBuilder(layout: layout)
        let first = try builder.image(seed: "a")
        let second = try builder.image(seed: "b")
        try layout.addManifest(first.bytes, mediaType: MediaType.ociManifest, annotations: [AnnotationKey.refName: "v1"])
        try layout.tag(first.manifest.digest, as: "stable")
        try layout.addManifest(second.bytes, mediaType: MediaType.ociManifest)
        let error = #expect(throws: OCIError.self) { try layout.resolve(.soleImage) }
        #expect(error?.kind == .ambiguous)
        #expect(error?.message.contains("2 images") == true)
        #expect(error?.message.contains("v1, stable") == true)
        #expect(error?.message.contains("\(second.manifest.digest) (untagged)") == true)
    }

    @Test func emptyLayoutHasNoImage() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let error = #expect(throws: OCIError.self) { try layout.resolve(.soleImage) }
        #expect(error?.kind == .notFound)
    }

    @Test func signatureEntriesDoNotCountAsImages() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let builder = ImageBuilder(layout: layout)
        let image = try builder.image(seed: "img")
        try layout.addManifest(image.bytes, mediaType: MediaType.ociManifest, annotations: [AnnotationKey.refName: "v1"])
        let signature = try builder.image(seed: "sig")
        try layout.addManifest(signature.bytes, mediaType: MediaType.ociManifest,
                               annotations: [AnnotationKey.refName: "sha256-\(image.manifest.digest.hex).sig"])
        let attestation = try builder.image(seed: "att")
        try layout.addManifest(attestation.bytes, mediaType: MediaType.ociManifest,
                               annotations: [AnnotationKey.cosignKind: CosignLayoutKind.attestations.rawValue])
        let referrer = try builder.bundleReferrer(of: image.manifest, bundle: "{}")
        try layout.updateIndex { $0.manifests.append(referrer) }
        #expect(try layout.resolve(.soleImage).digest == image.manifest.digest)
    }

    @Test func unknownTagListsTheKnownOnes() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let image = try ImageBuilder(layout: layout).image(seed: "a").manifest
        try layout.tag(image.digest, as: "v1")
        let error = #expect(throws: OCIError.self) { try layout.resolve(.tag("v2")) }
        #expect(error?.kind == .notFound)
        #expect(error?.message.hasSuffix("tags: v1") == true)
    }

    @Test func tagNamingTwoManifestsIsAmbiguous() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let builder = ImageBuilder(layout: layout)
        let a = try builder.image(seed: "a").manifest
        let b = try builder.image(seed: "b").manifest
        try layout.updateIndex { index in
            for manifest in [a, b] {
                var entry = manifest
                entry.annotations = [AnnotationKey.refName: "dup"]
                index.manifests.append(entry)
            }
        }
        #expect(throws: OCIError.self) { try layout.resolve(.tag("dup")) }
    }

    @Test func digestResolvesIndexEntriesAndNestedManifests() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let (index, platforms) = try ImageBuilder(layout: layout).multiPlatformIndex(seed: "m")
        try layout.tag(index.digest, as: "v1")
        #expect(try layout.resolve(.digest(index.digest)).refName == "v1")
        let nested = try layout.resolve(.digest(platforms[1].digest))
        #expect(nested.digest == platforms[1].digest)
        #expect(nested.mediaType == MediaType.ociManifest)
        #expect(nested.size == platforms[1].size)
        let absent = #expect(throws: OCIError.self) { try layout.resolve(.digest(sha256("absent"))) }
        #expect(absent?.kind == .notFound)
    }

    @Test func digestOfALayerIsNotAManifest() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let layer = try layout.addBlob(Data("not json".utf8))
        let error = #expect(throws: OCIError.self) { try layout.resolve(.digest(layer)) }
        #expect(error?.message.contains("is not a manifest or index") == true)
    }
}
