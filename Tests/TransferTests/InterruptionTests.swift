import AirlockCrypto
import Foundation
import OCI
import Testing
@testable import Transfer

/// An `airlock unpack` process killed with SIGKILL while it writes leaves the destination
/// byte-identical; the next unpack removes the stale staging directory and succeeds.
@Suite(.serialized) struct InterruptionTests {
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["AIRLOCK"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/airlock")
    }

    /// A 64 MiB tarball of one image with four 16 MiB layers.
    private func bigTarball(in directory: TestDirectory) throws -> URL {
        let source = try LayoutFixture(at: directory.path("source"))
        try source.addImage(tag: "big", layerSizes: Array(repeating: 16 << 20, count: 4), seed: 77)
        let tarball = directory.path("big.tar")
        _ = try Packer().pack(PackRequest(images: [try LayoutReference(parsing: source.url.path)], output: tarball, compression: .none))
        return tarball
    }

    /// Starts `airlock unpack`, waits until a staging directory holds blob data, kills the
    /// process; false when it finished before it could be caught.
    private func killMidway(_ tarball: URL, into destination: URL) throws -> Bool {
        let binary = Self.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build airlock first (swift build)")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["unpack", "--quiet", tarball.path, "-o", destination.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let parent = destination.deletingLastPathComponent()
        let prefix = ".\(destination.lastPathComponent).airlock-staging-"
        while process.isRunning {
            let staging = (try? FileManager.default.contentsOfDirectory(atPath: parent.path))?.first { $0.hasPrefix(prefix) }
            if let staging {
                let blobs = parent.appendingPathComponent(staging).appendingPathComponent("blobs/sha256").path
                let sizes = ((try? FileManager.default.contentsOfDirectory(atPath: blobs)) ?? []).compactMap {
                    (try? FileManager.default.attributesOfItem(atPath: "\(blobs)/\($0)"))?[.size] as? Int
                }
                if sizes.contains(where: { $0 > 1 << 20 }) {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    return process.terminationReason == .uncaughtSignal
                }
            }
            usleep(500)
        }
        return false
    }

    @Test func killedUnpackLeavesAnExistingLayoutByteIdentical() throws {
        let directory = try TestDirectory()
        let tarball = try bigTarball(in: directory)
        let destination = try LayoutFixture(at: directory.path("dest"))
        try destination.addImage(tag: "resident", seed: 5)
        let before = try treeDigest(destination.url)
        var caught = false
        for _ in 0..<5 where !caught {
            caught = try killMidway(tarball, into: destination.url)
            #expect(try treeDigest(destination.url) == before, "destination changed")
            if !caught {
                // It finished first: restore the destination and try again.
                try FileManager.default.removeItem(at: destination.url)
                let fresh = try LayoutFixture(at: destination.url)
                try fresh.addImage(tag: "resident", seed: 5)
            }
        }
        try #require(caught, "the unpack always finished before it could be killed")
        #expect(try directory.contents().contains { $0.hasPrefix(".dest.airlock-staging-") }, "the killed process left its staging area")

        _ = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination.url))
        #expect(try directory.contents() == ["big.tar", "dest", "source"], "the stale staging area was removed")
        #expect(try LayoutVerifier(layout: destination.layout).verify().passed)
    }

    @Test func killedUnpackCreatesNoNewLayout() throws {
        let directory = try TestDirectory()
        let tarball = try bigTarball(in: directory)
        let destination = directory.path("new")
        var caught = false
        for _ in 0..<5 where !caught {
            caught = try killMidway(tarball, into: destination)
            if !caught { try? FileManager.default.removeItem(at: destination) }
        }
        try #require(caught, "the unpack always finished before it could be killed")
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }
}
