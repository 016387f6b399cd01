import Foundation
import OCI
import Testing

/// `unpack` and `inspect` verifying signatures on arrival: the main job end to end — sign
/// the example image, pack it, and unpack it elsewhere only when its signatures verify with
/// the receiving side's key (or a key from the tarball that the user names).
@Suite("verification on arrival")
struct ArrivalVerificationTests {
    /// A signed copy of the example image packed with its signatures and the example key.
    final class SignedTarball {
        let fixture: SigningFixture
        let tarball: String

        init(format: String = "both") throws {
            fixture = try SigningFixture()
            try #require(try fixture.run("sign", "--key", SigningFixture.exampleKey, "--format", format, fixture.path + ":v1").status == 0)
            tarball = fixture.scratch.path("signed.tar.gz")
            let pack = try fixture.run("pack", "--include-key", SigningFixture.examplePub, "-o", tarball, fixture.path + ":v1")
            try #require(pack.status == 0, "\(pack)")
        }

        func destination(_ name: String) -> String { fixture.scratch.path(name) }
    }

    @Test func unpackWithTheSignerKeyVerifiesAndMerges() throws {
        let signed = try SignedTarball()
        let destination = signed.destination("arrived")
        let unpack = try signed.fixture.run("unpack", signed.tarball, "-o", destination, "--key", SigningFixture.examplePub)
        #expect(unpack.status == 0, "\(unpack)")
        #expect(unpack.stdoutText.contains("check \"signatures by \(SigningFixture.examplePub)\": passed for 1 image(s)"))
        #expect(try signed.fixture.run("layout", "verify", destination).status == 0)
        let verify = try signed.fixture.run("verify", "--key", SigningFixture.examplePub, destination + ":v1")
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdoutText.contains("ACCEPT legacy") && verify.stdoutText.contains("ACCEPT bundle"))
    }

    @Test func unpackWithAnotherKeyIsRefusedAndWritesNothing() throws {
        let signed = try SignedTarball()
        let other = try signed.fixture.generateKey("other")
        let destination = signed.destination("arrived")
        let unpack = try signed.fixture.run("unpack", signed.tarball, "-o", destination, "--key", other.pub)
        #expect(unpack.status == 1 && unpack.isOneLineError, "\(unpack)")
        #expect(unpack.stderrText.contains("0 of 1 keys verified"))
        #expect(!FileManager.default.fileExists(atPath: destination))
    }

    @Test func refusedTarballLeavesAnExistingLayoutUnchanged() throws {
        let signed = try SignedTarball()
        let other = try signed.fixture.generateKey("other")
        let destination = signed.destination("existing")
        try FileManager.default.copyItem(atPath: LayoutCommandTests.exampleLayout.path, toPath: destination)
        let before = try Data(contentsOf: URL(fileURLWithPath: destination + "/index.json"))
        let unpack = try signed.fixture.run("unpack", signed.tarball, "-o", destination, "--key", other.pub)
        #expect(unpack.status == 1, "\(unpack)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: destination + "/index.json")) == before)
        #expect(try OCILayout.open(at: URL(fileURLWithPath: destination)).storedBlobs().count == 7)
    }

    @Test func thresholdCountsDistinctKeys() throws {
        let signed = try SignedTarball()
        let other = try signed.fixture.generateKey("other")
        let unpack = try signed.fixture.run("unpack", signed.tarball, "-o", signed.destination("arrived"),
                                            "--key", SigningFixture.examplePub, "--key", other.pub, "--threshold", "2")
        #expect(unpack.status == 1, "\(unpack)")
        #expect(unpack.stderrText.contains("1 of 2 keys verified (threshold 2)"))
    }

    @Test func keyFromTheArchiveIsUsedOnlyWhenNamed() throws {
        let signed = try SignedTarball()
        let named = try signed.fixture.run("unpack", signed.tarball, "-o", signed.destination("named"), "--key-from-archive", "cosign.pub")
        #expect(named.status == 0, "\(named)")
        #expect(named.stdoutText.contains("(from the archive)"))
        let missing = try signed.fixture.run("unpack", signed.tarball, "-o", signed.destination("missing"), "--key-from-archive", "absent.pub")
        #expect(missing.status == 2 && missing.isOneLineError, "\(missing)")
        #expect(missing.stderrText.contains("airlock/keys/absent.pub"))
        #expect(!FileManager.default.fileExists(atPath: signed.destination("missing")))
    }

    @Test func unsignedImageFailsVerificationOnArrival() throws {
        let scratch = try ScratchDirectory()
        let example = LayoutCommandTests.exampleLayout.path + ":v1"
        #expect(try AirlockProcess.run(["pack", "-o", scratch.path("plain.tar"), example]).status == 0)
        let unpack = try AirlockProcess.run(["unpack", scratch.path("plain.tar"), "-o", scratch.path("arrived"), "--key", SigningFixture.examplePub])
        #expect(unpack.status == 1 && unpack.isOneLineError, "\(unpack)")
        #expect(unpack.stderrText.contains("no signatures found"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("arrived")))
    }

    @Test func inspectShowsTheVerdict() throws {
        let signed = try SignedTarball(format: "legacy")
        let good = try signed.fixture.run("inspect", signed.tarball, "--key", SigningFixture.examplePub)
        #expect(good.status == 0, "\(good)")
        #expect(good.stdoutText.contains("passed (1 of 1 keys verified"))
        let other = try signed.fixture.generateKey("other")
        let bad = try signed.fixture.run("inspect", signed.tarball, "--key", other.pub)
        #expect(bad.status == 1, "\(bad)")
        #expect(bad.stdoutText.contains("FAILED (0 of 1 keys verified"))
    }

    @Test func archiveTrustMaterialNeedsASigner() throws {
        let signed = try SignedTarball()
        let outcome = try signed.fixture.run("unpack", signed.tarball, "-o", signed.destination("x"), "--trusted-root-from-archive", "root.json")
        #expect(outcome.isUsageError("unpack"), "\(outcome)")
    }
}
