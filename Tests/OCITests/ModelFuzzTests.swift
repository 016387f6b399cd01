import AirlockCrypto
import Foundation
import InputMutation
import OCI
import Testing

/// Seeded mutations of the example layout's manifests, index and references fed to the OCI
/// parsers: each returns or throws, never traps. `AIRLOCK_FUZZ_ITERATIONS` raises the count.
@Suite("OCI model fuzzing")
struct ModelFuzzTests {
    static let seed: UInt64 = 0x4F43_4931
    static let iterations = ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 300

    @Test("Mutated manifests, indexes and descriptors: no trap")
    func manifests() throws {
        let layout = try OCILayout.open(at: ExampleLayoutTests.exampleLayout)
        let index = try Data(contentsOf: ExampleLayoutTests.exampleLayout.appendingPathComponent("index.json"))
        let documents = try layout.walk(from: layout.readIndex().manifests).manifests.map(\.bytes) + [index]
        var random = SplitMix64(seed: Self.seed)
        var parsed = 0
        for _ in 0..<Self.iterations {
            let (input, _) = Mutation.json(random.pick(documents), using: &random)
            let expected = random.pick([nil, MediaType.ociIndex, MediaType.ociManifest, "application/vnd.docker.distribution.manifest.v2+json"])
            if let document = try? ManifestDocument.parse(input, mediaType: expected) {
                parsed += 1
                _ = (document.subject, document.effectiveArtifactType, try? document.annotations.map { try JSONEncoder().encode($0) })
            }
            _ = try? ImageIndex.decode(input).encoded()
            _ = try? ImageManifest.decode(input).encoded()
        }
        #expect(parsed > 0)
    }

    @Test("Mutated layout references: no trap")
    func references() throws {
        let seeds = ["layout", "dir/layout:v1", "/data/v1:old/layout:v2", "./odd:name/",
                     "layout@sha256:21a286408f88b139b0de97db9875a289d42527d7c12787a95c9a92e86fd76101", "dir@sha512:../../x"]
        var random = SplitMix64(seed: Self.seed)
        var parsed = 0
        for _ in 0..<Self.iterations {
            let (input, _) = Mutation.bytes(Data(random.pick(seeds).utf8), using: &random)
            if let reference = try? LayoutReference(parsing: String(decoding: input, as: UTF8.self)) {
                parsed += 1
                _ = (reference.description, reference.directory)
            }
        }
        #expect(parsed > 0)
    }
}
