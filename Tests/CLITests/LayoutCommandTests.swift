import AirlockCrypto
import Foundation
import OCI
import Testing

/// `airlock layout verify|tag|untag`, run as a separate process on copies of
/// Fixtures/example-layout.
@Suite("airlock layout")
struct LayoutCommandTests {
    static let exampleLayout = AirlockProcess.packageRoot.appendingPathComponent("Fixtures/example-layout")

    static func run(_ arguments: String...) throws -> AirlockProcess.Result { try AirlockProcess.run(arguments) }

    /// A private copy of the example layout.
    final class LayoutCopy {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("cli-layout-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: LayoutCommandTests.exampleLayout, to: url)
        }
        deinit { try? FileManager.default.removeItem(at: url) }

        var layout: OCILayout { get throws { try OCILayout.open(at: url) } }

        /// The largest config or layer blob (a gzip layer of the example image).
        func largestLayer() throws -> (digest: Digest, url: URL) {
            let blobs = try layout.storedBlobs().sorted { $0.size > $1.size }
            let digest = try #require(blobs.first?.digest)
            return (digest, try layout.blobURL(digest))
        }
    }

    @Test func verifyIntactLayout() throws {
        let outcome = try Self.run("layout", "verify", Self.exampleLayout.path)
        #expect(outcome.status == 0)
        #expect(outcome.stdoutText.contains(": ok: 7 blobs"))
        #expect(outcome.stderrText.isEmpty)
    }

    @Test func verifyNamesADigestMismatchAndExits1() throws {
        let copy = try LayoutCopy()
        let layer = try copy.largestLayer()
        var bytes = try Data(contentsOf: layer.url)
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: layer.url)
        let outcome = try Self.run("layout", "verify", copy.url.path)
        #expect(outcome.status == 1)
        #expect(outcome.isOneLineError)
        #expect(outcome.stderrText.contains("\(layer.digest) digest mismatch"))
        #expect(outcome.stdoutText.contains("FAIL \(layer.digest) digest mismatch"))
    }

    @Test func verifyNamesAMissingBlobAndExits1() throws {
        let copy = try LayoutCopy()
        let layer = try copy.largestLayer()
        try FileManager.default.removeItem(at: layer.url)
        let outcome = try Self.run("layout", "verify", copy.url.path, "--output", "json")
        #expect(outcome.status == 1)
        #expect(outcome.isOneLineError)
        #expect(outcome.stderrText.contains("\(layer.digest) missing"))
        let report = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdoutText.utf8)) as? [String: Any])
        #expect(report["passed"] as? Bool == false)
        let problems = try #require(report["problems"] as? [[String: Any]])
        #expect(problems.map { $0["digest"] as? String } == [layer.digest.description])
        #expect(problems.map { $0["kind"] as? String } == ["missing"])
    }

    @Test func verifyMalformedIndexJSONExits2WithOneLine() throws {
        let copy = try LayoutCopy()
        try Data(#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../etc/passwd","size":1}]}"#.utf8)
            .write(to: copy.url.appendingPathComponent("index.json"))
        let outcome = try Self.run("layout", "verify", copy.url.path)
        #expect(outcome.status == 2)
        #expect(outcome.isOneLineError)
        #expect(outcome.stderrText.contains("index.json: malformed image index: manifests[0].digest"))
        #expect(outcome.stdoutText.isEmpty)
    }

    @Test func verifyMalformedManifestExits2() throws {
        let copy = try LayoutCopy()
        let layout = try copy.layout
        let bogus = Data(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}"#.utf8)
        let digest = try layout.addBlob(bogus)
        try layout.updateIndex { $0.manifests.append(Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: Int64(bogus.count))) }
        let outcome = try Self.run("layout", "verify", copy.url.path)
        #expect(outcome.status == 2)
        #expect(outcome.isOneLineError)
        #expect(outcome.stderrText.contains("\(digest): malformed image manifest: config: required field missing"))
    }

    @Test func verifyOfANonLayoutExits2() throws {
        let outcome = try Self.run("layout", "verify", AirlockProcess.packageRoot.appendingPathComponent("Sources").path)
        #expect(outcome.status == 2)
        #expect(outcome.isOneLineError)
        #expect(outcome.stderrText.contains("not an OCI image layout"))
    }

    @Test func tagAndUntag() throws {
        let copy = try LayoutCopy()
        let platform = try #require(try copy.layout.walk(from: copy.layout.readIndex().manifests).blobs.first { $0.role == .manifest })
        let tagged = try Self.run("layout", "tag", "\(copy.url.path)@\(platform.descriptor.digest)", "amd64-only")
        #expect(tagged.status == 0, "\(tagged)")
        #expect(try copy.layout.resolve(.tag("amd64-only")).digest == platform.descriptor.digest)
        let moved = try Self.run("layout", "tag", "\(copy.url.path):v1", "stable")
        #expect(moved.status == 0, "\(moved)")
        #expect(try copy.layout.readIndex().tags == ["v1", "amd64-only", "stable"])
        let untagged = try Self.run("layout", "untag", "\(copy.url.path):amd64-only")
        #expect(untagged.status == 0)
        #expect(try copy.layout.readIndex().tags == ["v1", "stable"])
        let again = try Self.run("layout", "untag", "\(copy.url.path):amd64-only")
        #expect(again.status == 2)
        #expect(again.isOneLineError)
    }

    @Test func badTagNameIsAUsageError() throws {
        let copy = try LayoutCopy()
        let outcome = try Self.run("layout", "tag", copy.url.path, "not/a/tag")
        #expect(outcome.isUsageError("layout tag"), "\(outcome)")
        #expect(try copy.layout.readIndex().tags == ["v1"])
    }

    @Test func concurrentTagProcessesAllLand() throws {
        let copy = try LayoutCopy()
        let image = try copy.layout.resolve(.soleImage)
        let names = (0..<8).map { "proc\($0)" }
        let outcomes = ConcurrentOutcomes()
        let started = DispatchGroup()
        // One thread per process, so that all eight run at once and contend for the lock.
        for name in names {
            started.enter()
            let arguments = ["layout", "tag", "\(copy.url.path)@\(image.digest)", name]
            Thread {
                outcomes.record(Result { try AirlockProcess.run(arguments) })
                started.leave()
            }.start()
        }
        started.wait()
        let results = try outcomes.all.map { try $0.get() }
        #expect(results.map(\.status) == Array(repeating: 0, count: names.count), "\(results)")
        #expect(Set(try copy.layout.readIndex().tags) == Set(names + ["v1"]))
        #expect(try LayoutVerifier(layout: copy.layout).verify().passed)
    }
}

/// Results of processes run from several threads.
final class ConcurrentOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<AirlockProcess.Result, Error>] = []

    func record(_ result: Result<AirlockProcess.Result, Error>) {
        lock.lock()
        results.append(result)
        lock.unlock()
    }

    var all: [Result<AirlockProcess.Result, Error>] {
        lock.lock()
        defer { lock.unlock() }
        return results
    }
}
