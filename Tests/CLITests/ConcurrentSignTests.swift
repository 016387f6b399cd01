import AirlockCrypto
import Foundation
import OCI
import Testing

/// Separate `airlock sign` processes, each signing a different image of one layout at the
/// same time: every signature lands in `index.json` (no writer loses another's entries) and
/// each image verifies.
@Suite("concurrent signing")
struct ConcurrentSignTests {
    static let imageCount = 6

    /// A layout of `imageCount` single-layer images tagged `img0`… with their repository names.
    static func makeLayout(at url: URL) throws -> [Descriptor] {
        let layout = try OCILayout.create(at: url)
        return try (0..<imageCount).map { number in
            let layer = Data("layer of image \(number)\n".utf8)
            let config = Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\#(Digest.of(layer))"]}}"#.utf8)
            try layout.addBlob(layer)
            try layout.addBlob(config)
            let manifest = ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, content: config),
                                         layers: [Descriptor(mediaType: MediaType.ociLayer, content: layer)])
            return try layout.addManifest(try manifest.encoded(), mediaType: MediaType.ociManifest, annotations: [
                AnnotationKey.refName: "img\(number)", AnnotationKey.imageName: "registry.example/demo/app\(number)",
            ])
        }
    }

    @Test func signersOfDifferentImagesDoNotLoseEachOthersSignatures() throws {
        let scratch = try ScratchDirectory()
        let layoutURL = scratch.url.appendingPathComponent("layout")
        let images = try Self.makeLayout(at: layoutURL)
        let outcomes = ConcurrentOutcomes()
        let finished = DispatchGroup()
        // One thread per process, so that all of them run at once and contend for the index lock.
        for number in images.indices {
            finished.enter()
            let arguments = ["sign", "--key", SigningFixture.exampleKey, "--format", "both", "\(layoutURL.path):img\(number)"]
            Thread {
                outcomes.record(Result { try AirlockProcess.run(arguments, environment: ["COSIGN_PASSWORD": SigningFixture.password]) })
                finished.leave()
            }.start()
        }
        finished.wait()
        let results = try outcomes.all.map { try $0.get() }
        #expect(results.map(\.status) == Array(repeating: 0, count: images.count), "\(results)")

        let layout = try OCILayout.open(at: layoutURL)
        let index = try layout.readIndex()
        var bundleSubjects: [Digest] = []
        for entry in index.manifests where entry.artifactType == "application/vnd.dev.sigstore.bundle.v0.3+json" {
            guard case .image(let manifest) = try layout.readManifest(entry).document else { continue }
            if let subject = manifest.subject?.digest { bundleSubjects.append(subject) }
        }
        #expect(Set(bundleSubjects) == Set(images.map(\.digest)), "bundle referrers listed: \(bundleSubjects)")
        #expect(bundleSubjects.count == images.count)
        for (number, image) in images.enumerated() {
            let sigTag = "sha256-\(image.digest.hex).sig"
            #expect(index.entries(taggedAs: sigTag).count == 1, "no \(sigTag) entry in index.json")
            let verified = try AirlockProcess.run(["verify", "--key", SigningFixture.examplePub, "\(layoutURL.path):img\(number)"])
            #expect(verified.status == 0, "img\(number): \(verified)")
            #expect(verified.stdoutText.contains("ACCEPT legacy") && verified.stdoutText.contains("ACCEPT bundle"), "\(verified.stdoutText)")
        }
        #expect(try LayoutVerifier(layout: layout).verify().passed)
    }
}
