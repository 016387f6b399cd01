import AirlockCrypto
import Foundation
import OCI
import Testing

/// `airlock pack|unpack|inspect|inventory` run as separate processes on the example layout:
/// outputs, exit statuses, one-line errors, silence when stderr is not a terminal.
@Suite("airlock pack/unpack/inspect/inventory")
struct TransferCommandTests {
    static let example = LayoutCommandTests.exampleLayout.path

    static func run(_ arguments: String...) throws -> AirlockProcess.Result { try AirlockProcess.run(arguments) }

    @Test func packInspectUnpackInventory() throws {
        let scratch = try ScratchDirectory()
        let pack = try Self.run("pack", "-o", scratch.path("ex.tar.gz"), Self.example + ":v1")
        #expect(pack.status == 0 && pack.stderrText.isEmpty, "\(pack)")
        #expect(pack.stdoutText.hasPrefix("packed 1 image(s)"))

        let inspect = try Self.run("inspect", scratch.path("ex.tar.gz"), "--output", "json")
        #expect(inspect.status == 0, "\(inspect)")
        let tree = try JSONSerialization.jsonObject(with: inspect.stdout) as? [String: Any]
        let images = tree?["images"] as? [[String: Any]]
        #expect(images?.first?["tag"] as? String == "v1")
        #expect((images?.first?["platforms"] as? [Any])?.count == 2)

        let unpack = try Self.run("unpack", scratch.path("ex.tar.gz"), "-o", scratch.path("layout"))
        #expect(unpack.status == 0 && unpack.stderrText.isEmpty, "\(unpack)")
        #expect(unpack.stdoutText.contains("created"))
        #expect(try Self.run("layout", "verify", scratch.path("layout")).status == 0)

        let inventory = try Self.run("inventory", scratch.path("layout"))
        #expect(inventory.status == 0)
        let listed = try JSONSerialization.jsonObject(with: inventory.stdout) as? [String: Any]
        #expect((listed?["blobs"] as? [Any])?.count == 7)
        #expect(listed?["airlockInventoryVersion"] as? Int == 1)
    }

    @Test func packNeedsACompressionItCanTell() throws {
        let scratch = try ScratchDirectory()
        let outcome = try Self.run("pack", "-o", scratch.path("ex.bin"), Self.example)
        #expect(outcome.isUsageError("pack"), "\(outcome)")
        #expect(outcome.stderrText.contains("--compression"))
        #expect(scratch.entries.isEmpty)
        #expect(try Self.run("pack", "--compression", "zstd", "-o", scratch.path("ex.bin"), Self.example, "--quiet").status == 0)
    }

    @Test func refusedTarballExits1WithOneLine() throws {
        let scratch = try ScratchDirectory()
        // A tar with one symbolic link entry, written by tar(1) itself.
        try FileManager.default.createSymbolicLink(atPath: scratch.path("oci-layout"), withDestinationPath: "/etc/passwd")
        _ = try Tar.run(["-C", scratch.url.path, "-cf", scratch.path("evil.tar"), "oci-layout"])
        let outcome = try Self.run("unpack", scratch.path("evil.tar"), "-o", scratch.path("layout"))
        #expect(outcome.status == 1 && outcome.isOneLineError, "\(outcome)")
        #expect(outcome.stderrText.contains("\"oci-layout\"") && outcome.stderrText.contains("symbolic link"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("layout")))
    }

    @Test func conflictsAndMissingSignaturesAreOneLineErrors() throws {
        let scratch = try ScratchDirectory()
        #expect(try Self.run("pack", "--quiet", "-o", scratch.path("ex.tar"), Self.example).status == 0)
        let unsigned = try Self.run("unpack", "--require-signatures", scratch.path("ex.tar"), "-o", scratch.path("layout"))
        #expect(unsigned.status == 1 && unsigned.isOneLineError && unsigned.stderrText.contains("signatures present"), "\(unsigned)")
        #expect(!FileManager.default.fileExists(atPath: scratch.path("layout")))

        try FileManager.default.copyItem(atPath: Self.example, toPath: scratch.path("layout"))
        let other = try OCILayout.open(at: URL(fileURLWithPath: scratch.path("layout")))
        try other.addManifest(try ImageManifest(config: Descriptor.emptyJSON, layers: []).encoded(), mediaType: MediaType.ociManifest,
                              annotations: [AnnotationKey.refName: "v1"])
        try other.addBlob(Data("{}".utf8))
        let conflict = try Self.run("unpack", scratch.path("ex.tar"), "-o", scratch.path("layout"))
        #expect(conflict.status == 2 && conflict.isOneLineError && conflict.stderrText.contains("--force"), "\(conflict)")
        #expect(try Self.run("unpack", "--force", "--quiet", scratch.path("ex.tar"), "-o", scratch.path("layout")).status == 0)

        let missing = try Self.run("pack", "-o", scratch.path("x.tar"), scratch.path("no-such-layout"))
        #expect(missing.status == 2 && missing.isOneLineError, "\(missing)")
        #expect(try Self.run("inspect", scratch.path("no-such-file")).isOneLineError)
    }

    /// Runs `airlock arguments…` under script(1), so that stderr is a terminal; nil without script.
    private static func onTerminal(_ arguments: [String]) throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { return nil }
        let command = ([AirlockProcess.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func progressLineOnlyOnATerminalAndNotWithQuiet() throws {
        let scratch = try ScratchDirectory()
        guard let shown = try Self.onTerminal(["pack", "-o", scratch.path("a.tar"), Self.example]) else { return }
        #expect(shown.contains("\rpacking ["), "progress drawn: \(shown.debugDescription)")
        #expect(shown.contains(" left\u{1B}[K"))
        let quiet = try #require(try Self.onTerminal(["pack", "--quiet", "-o", scratch.path("b.tar"), Self.example]))
        #expect(quiet.isEmpty, "\(quiet.debugDescription)")
        let piped = try Self.run("pack", "-o", scratch.path("c.tar"), Self.example)
        #expect(piped.stderrText.isEmpty && !piped.stdoutText.isEmpty)
    }
}
