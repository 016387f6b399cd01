import AirlockCrypto
import Foundation
import Testing
import OCI

/// The committed example layout in Fixtures/, built by Fixtures/make-example-layout.py.
@Suite("Fixtures/example-layout")
struct ExampleLayoutTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let exampleLayout = fixtures.appendingPathComponent("example-layout")
    static let python = ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func verifiesAndResolvesBothPlatforms() throws {
        let layout = try OCILayout.open(at: Self.exampleLayout)
        #expect(try LayoutVerifier(layout: layout).verify().passed)
        let image = try layout.resolve(.tag("v1"))
        #expect(try layout.resolve(.soleImage) == image)
        #expect(image.annotation(AnnotationKey.imageName) == "registry.example/demo/app")
        guard case .index(let index) = try layout.readManifest(image).document else { Issue.record("v1 is not an index"); return }
        #expect(index.manifests.compactMap(\.platform).map(\.description) == ["linux/amd64", "linux/arm64"])
        #expect(try layout.reachableBlobs(from: [image]).count == 7)
    }

    @Test(.enabled(if: python != nil, "python3 is not installed"))
    func generatorIsDeterministic() throws {
        let scratch = try ScratchDirectory()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.python))
        process.arguments = [Self.fixtures.appendingPathComponent("make-example-layout.py").path, scratch.path("out").path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let committed = try files(in: Self.exampleLayout)
        let regenerated = try files(in: scratch.path("out"))
        #expect(committed.keys.sorted() == regenerated.keys.sorted())
        #expect(committed == regenerated)
    }

    private func files(in directory: URL) throws -> [String: Data] {
        var found: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let relative = enumerator?.nextObject() as? String {
            let url = directory.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                found[relative] = try Data(contentsOf: url)
            }
        }
        return found
    }
}
