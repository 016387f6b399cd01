import AirlockCrypto
import Foundation
import InputMutation
import OCI
import Testing
@testable import Transfer

/// Seeded mutations of packed tarballs (plain, gzip, zstd; header fields with their checksum
/// recomputed) read entry by entry through the hostile tar reader, then inspected: each read
/// returns or throws, never traps. `AIRLOCK_FUZZ_ITERATIONS` raises the count.
@Suite("Archive fuzzing")
struct ArchiveFuzzTests {
    static let seed: UInt64 = 0x5441_5246_555A
    static let iterations = ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 200

    /// Reads every entry and its data, as the stager does; returns how many entries were read.
    static func readAll(_ path: String) throws -> Int {
        let reader = ArchiveEntryReader(reader: try TarReader(path: path))
        var count = 0
        while try reader.next() != nil {
            try reader.readData { _ in }
            count += 1
        }
        return count
    }

    @Test("Mutated tarballs through the entry reader and the inspector: no trap")
    func mutatedTarballs() throws {
        let directory = try TestDirectory()
        let fixture = try LayoutFixture(at: directory.path("source"))
        try fixture.addImage(tag: "v1", seed: 7)
        var tarballs: [(compression: ArchiveCompression, bytes: Data)] = []
        for compression in ArchiveCompression.allCases {
            let url = directory.path("packed-\(compression)")
            _ = try Packer().pack(PackRequest(images: [try LayoutReference(parsing: fixture.url.path)], output: url, compression: compression))
            tarballs.append((compression, try Data(contentsOf: url)))
        }
        var random = SplitMix64(seed: Self.seed)
        var read = 0
        let input = directory.path("input")
        for _ in 0..<Self.iterations {
            let tarball = random.pick(tarballs)
            let (bytes, _) = tarball.compression == .none && random.below(2) == 0
                ? Mutation.tarHeader(tarball.bytes, using: &random) : Mutation.bytes(tarball.bytes, using: &random)
            try bytes.write(to: input)
            if (try? Self.readAll(input.path)) != nil { read += 1 }
            _ = try? Inspector().inspect(archive: input)
        }
        #expect(read > 0)
    }

    @Test("Classic docker save archives with a mutated manifest.json as pack sources: no trap")
    func mutatedDockerSave() throws {
        let directory = try TestDirectory()
        var random = SplitMix64(seed: Self.seed ^ 0x444F434B)
        var packed = 0
        for number in 0..<Self.iterations / 4 {
            let tar = try ArchiveSourceTests.dockerSave(layerA: Data("a".utf8), layerB: Data("b".utf8)) { Mutation.json($0, using: &random).0 }
            let input = directory.path("docker.tar")
            try tar.write(to: input)
            let reference = input.path + random.pick(["", ":1.0", ":2.0", ":latest"])
            let output = directory.path("out-\(number).tar")
            if (try? Packer().pack(PackRequest(images: [try LayoutReference(parsing: reference)], output: output, compression: .none))) != nil {
                packed += 1
                try? FileManager.default.removeItem(at: output)
            }
        }
        #expect(packed > 0)
    }
}
