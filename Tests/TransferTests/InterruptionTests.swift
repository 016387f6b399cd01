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

    /// A tarball of one image with four random layers of `layerSize` bytes, and its source layout.
    private func bigTarball(in directory: TestDirectory, layerSize: Int) throws -> URL {
        let source = try LayoutFixture(at: directory.path("source"))
        try source.addImage(tag: "big", layerSizes: Array(repeating: layerSize, count: 4), seed: 77)
        let tarball = directory.path("big.tar")
        _ = try Packer().pack(PackRequest(images: [try LayoutReference(parsing: source.url.path)], output: tarball, compression: .none))
        return tarball
    }

    /// Starts `airlock unpack`, waits until a staging directory holds a layer that is only
    /// partly written (so the unpack is still staging, far from merging), and kills the process.
    /// True when the kill landed; false when the unpack finished before it could be caught.
    private func killWhileStaging(_ tarball: URL, layerSize: Int, into destination: URL) throws -> Bool {
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
                if sizes.contains(where: { $0 > 1 << 20 && $0 < layerSize }) {
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()
                    return process.terminationReason == .uncaughtSignal
                }
            }
            usleep(200)
        }
        process.waitUntilExit()
        return false
    }

    /// Kills unpacks of `tarball`-s of growing layers into `destination` until one kill lands
    /// while staging; `restore` puts the destination back as it was after an unpack that
    /// finished first (which is not a failure, only a machine faster than the poll). Returns
    /// the tarball of the interrupted run; records a failure when no run could be interrupted.
    private func interruptedUnpack(into destination: URL, in directory: TestDirectory, restore: () throws -> Void) throws -> URL? {
        for layerSize in [16 << 20, 64 << 20] {
            let tarball = try bigTarball(in: directory, layerSize: layerSize)
            for _ in 0..<3 {
                if try killWhileStaging(tarball, layerSize: layerSize, into: destination) { return tarball }
                try restore()
            }
            try FileManager.default.removeItem(at: tarball)
            try FileManager.default.removeItem(at: directory.path("source"))
        }
        Issue.record("every unpack finished before it could be killed: nothing was interrupted")
        return nil
    }

    @Test func killedUnpackLeavesAnExistingLayoutByteIdentical() throws {
        let directory = try TestDirectory()
        let destination = directory.path("dest")
        func makeResident() throws {
            try? FileManager.default.removeItem(at: destination)
            try LayoutFixture(at: destination).addImage(tag: "resident", seed: 5)
        }
        try makeResident()
        let before = try treeDigest(destination)
        let tarball = try #require(try interruptedUnpack(into: destination, in: directory, restore: makeResident))
        #expect(try treeDigest(destination) == before, "the killed unpack changed the destination")
        #expect(try directory.contents().contains { $0.hasPrefix(".dest.airlock-staging-") }, "the killed process left its staging area")

        _ = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination))
        #expect(try directory.contents() == ["big.tar", "dest", "source"], "the stale staging area was removed")
        #expect(try LayoutVerifier(layout: try OCILayout.open(at: destination)).verify().passed)
    }

    @Test func killedUnpackCreatesNoNewLayout() throws {
        let directory = try TestDirectory()
        let destination = directory.path("new")
        _ = try #require(try interruptedUnpack(into: destination, in: directory) { try? FileManager.default.removeItem(at: destination) })
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }
}
