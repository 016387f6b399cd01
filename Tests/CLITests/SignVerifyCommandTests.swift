import AirlockCrypto
import Foundation
import OCI
import Testing

/// `airlock sign` then `airlock verify`, run as separate processes on copies of the example
/// layout (a two-platform image) with the example key pair and generated ones.
@Suite("airlock sign and verify")
struct SignVerifyCommandTests {
    typealias Fixture = SigningFixture

    @Test func signsBothFormatsOfASinglePlatformImageAndVerifies() throws {
        let fixture = try Fixture()
        try fixture.makeSinglePlatform()
        let signed = try fixture.run("sign", "--key", Fixture.exampleKey, fixture.path + ":v1")
        #expect(signed.status == 0, "\(signed)")
        #expect(signed.stdoutText.hasPrefix("\(fixture.path):v1 \(Fixture.amd64Digest) signed as registry.example/demo/app: legacy added"))
        #expect(signed.stdoutText.contains("bundle added (referrer sha256:"))

        let verified = try fixture.run("verify", "--key", Fixture.examplePub, fixture.path + ":v1")
        #expect(verified.status == 0, "\(verified)")
        let lines = verified.stdoutText.split(separator: "\n")
        #expect(lines.first?.contains("PASS 1 of 1 keys verified (threshold 1)") == true)
        #expect(lines.filter { $0.hasPrefix("  ACCEPT legacy ") }.count == 1)
        #expect(lines.filter { $0.hasPrefix("  ACCEPT bundle referrer ") }.count == 1)
        let index = try fixture.layout.readIndex()
        #expect(index.manifests.filter { $0.cosignKind == .image }.map(\.digest.description) == [Fixture.amd64Digest])
        #expect(index.manifests.filter { $0.cosignKind == .signatures }.count == 1)
    }

    @Test func aMultiPlatformImageIsSignedAtItsIndexAndRecursivelyAtEachPlatform() throws {
        let fixture = try Fixture()
        try #require(try fixture.run("sign", "--key", Fixture.exampleKey, fixture.path + ":v1").status == 0)
        #expect(try fixture.run("verify", "--key", Fixture.examplePub, fixture.path + ":v1").status == 0)
        let platform = try fixture.run("verify", "--key", Fixture.examplePub, "\(fixture.path)@\(Fixture.amd64Digest)")
        #expect(platform.status == 1)
        #expect(platform.isOneLineError)
        #expect(platform.stderrText.contains("no signatures found for \(Fixture.amd64Digest)"))

        let recursive = try fixture.run("sign", "--key", Fixture.exampleKey, "--recursive", fixture.path + ":v1")
        #expect(recursive.status == 0, "\(recursive)")
        #expect(recursive.stdoutText.contains("  linux/amd64 \(Fixture.amd64Digest) signed as registry.example/demo/app"))
        #expect(recursive.stdoutText.contains("  linux/arm64 \(Fixture.arm64Digest) signed as registry.example/demo/app"))
        for digest in [Fixture.indexDigest, Fixture.amd64Digest, Fixture.arm64Digest] {
            let outcome = try fixture.run("verify", "--key", Fixture.examplePub, "\(fixture.path)@\(digest)")
            #expect(outcome.status == 0, "\(digest): \(outcome)")
        }
        #expect(try fixture.layout.readIndex().manifests.first?.cosignKind == .imageIndex)
    }

    @Test(arguments: ["legacy", "bundle"])
    func eachFormatVerifiesOnItsOwn(format: String) throws {
        let fixture = try Fixture()
        try #require(try fixture.run("sign", "--key", Fixture.exampleKey, "--format", format, fixture.path + ":v1").status == 0)
        let verified = try fixture.run("verify", "--key", Fixture.examplePub, fixture.path + ":v1")
        #expect(verified.status == 0, "\(verified)")
        let signatureLines = verified.stdoutText.split(separator: "\n").dropFirst()
        #expect(signatureLines.count == 1)
        #expect(signatureLines.first?.hasPrefix("  ACCEPT \(format) ") == true)
    }

    @Test func signingAgainAppendsAndTheSameSignatureIsNotAddedTwice() throws {
        let fixture = try Fixture()
        let first = try fixture.run("sign", "--key", Fixture.exampleKey, "--format", "legacy", fixture.path + ":v1")
        #expect(first.stdoutText.contains("legacy added"))
        let again = try fixture.run("sign", "--key", Fixture.exampleKey, "--format", "legacy", fixture.path + ":v1")
        #expect(again.status == 0)
        #expect(again.stdoutText.contains("legacy already present"))
        #expect(try fixture.manifest(try fixture.signatureEntry(of: Fixture.indexDigest)).layers.count == 1)

        let annotated = try fixture.run("sign", "--key", Fixture.exampleKey, "--format", "legacy", "-a", "build=2", fixture.path + ":v1")
        #expect(annotated.stdoutText.contains("legacy added"))
        #expect(try fixture.manifest(try fixture.signatureEntry(of: Fixture.indexDigest)).layers.count == 2)
        let verified = try fixture.run("verify", "--key", Fixture.examplePub, fixture.path + ":v1")
        #expect(verified.stdoutText.split(separator: "\n").filter { $0.hasPrefix("  ACCEPT legacy ") }.count == 2)
    }

    @Test func thresholdTwoOfThreeKeys() throws {
        let fixture = try Fixture()
        let second = try fixture.generateKey("second")
        let third = try fixture.generateKey("third")
        let image = fixture.path + ":v1"
        try #require(try fixture.run("sign", "--key", Fixture.exampleKey, image).status == 0)
        let keys = ["--key", Fixture.examplePub, "--key", second.pub, "--key", third.pub]

        let oneOfThree = try AirlockProcess.run(["verify"] + keys + ["--threshold", "2", image])
        #expect(oneOfThree.status == 1)
        #expect(oneOfThree.stderrText.contains("1 of 3 keys verified (threshold 2)"))

        try #require(try fixture.run("sign", "--key", second.key, "--format", "legacy", image).status == 0)
        let twoOfThree = try AirlockProcess.run(["verify"] + keys + ["--threshold", "2", image])
        #expect(twoOfThree.status == 0, "\(twoOfThree)")
        #expect(twoOfThree.stdoutText.contains("PASS 2 of 3 keys verified (threshold 2): \(Fixture.examplePub), \(second.pub)"))
        let allThree = try AirlockProcess.run(["verify"] + keys + ["--threshold", "3", image])
        #expect(allThree.status == 1)
        #expect(allThree.stderrText.contains("2 of 3 keys verified (threshold 3)"))
        let sameKeyTwice = try AirlockProcess.run(["verify", "--key", Fixture.examplePub, "--key", Fixture.examplePub, "--threshold", "2", image])
        #expect(sameKeyTwice.isUsageError("verify"), "\(sameKeyTwice)")
        #expect(sameKeyTwice.stderrText.contains("--threshold 2 needs 2 different keys"))
    }

    @Test func requiredAnnotationsMustBeSigned() throws {
        let fixture = try Fixture()
        let image = fixture.path + ":v1"
        try #require(try fixture.run("sign", "--key", Fixture.exampleKey, "-a", "env=prod", "-a", "team=core", image).status == 0)
        let passing = try fixture.run("verify", "--key", Fixture.examplePub, "-a", "env=prod", "--annotation", "team=core", image)
        #expect(passing.status == 0, "\(passing)")
        #expect(passing.stdoutText.contains("required annotations present"))
        let wrongValue = try fixture.run("verify", "--key", Fixture.examplePub, "-a", "env=dev", image)
        #expect(wrongValue.status == 1)
        #expect(wrongValue.stdoutText.contains("REJECT legacy"))
        #expect(wrongValue.stdoutText.contains("claims: annotation env=dev is required but the payload's optional annotations have env=prod"))
        #expect(wrongValue.stdoutText.contains("claims: annotation env=dev is required but the statement subject's annotations have env=prod"))
        let absent = try fixture.run("verify", "--key", Fixture.examplePub, "-a", "owner=me", image)
        #expect(absent.status == 1)
        #expect(absent.stdoutText.contains("lack owner"))
        let malformed = try fixture.run("verify", "--key", Fixture.examplePub, "-a", "novalue", image)
        #expect(malformed.isUsageError("verify"), "\(malformed)")
    }

    @Test func jsonOutputHasOneObjectPerSignatureAndTheVerdict() throws {
        let fixture = try Fixture()
        let image = fixture.path + ":v1"
        try #require(try fixture.run("sign", "--key", Fixture.exampleKey, image).status == 0)
        let outcome = try fixture.run("verify", "--key", Fixture.examplePub, "--output", "json", image)
        #expect(outcome.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any])
        #expect(report["verdict"] as? String == "pass")
        let images = try #require(report["images"] as? [[String: Any]])
        #expect(images.first?["digest"] as? String == Fixture.indexDigest)
        let signatures = try #require(images.first?["signatures"] as? [[String: Any]])
        #expect(signatures.compactMap { $0["format"] as? String }.sorted() == ["bundle", "legacy"])
        let keyID = "sha256:" + Digest.of(try PublicKey(pem: String(contentsOfFile: Fixture.examplePub, encoding: .utf8)).derSPKI).hex
        for signature in signatures {
            #expect(signature["verdict"] as? String == "accepted")
            #expect(signature["keyId"] as? String == keyID)
            #expect((signature["digest"] as? String)?.hasPrefix("sha256:") == true)
            #expect((signature["reason"] as? String)?.hasPrefix("signature verified with key") == true)
        }
    }

    @Test func severalImagesAndWholeLayoutsInOneRun() throws {
        let fixture = try Fixture()
        try #require(try fixture.run("layout", "tag", "\(fixture.path)@\(Fixture.amd64Digest)", "amd64").status == 0)
        let signed = try fixture.run("sign", "--key", Fixture.exampleKey, "--reference", "registry.example/demo/app", "--all", fixture.path)
        #expect(signed.status == 0, "\(signed)")
        #expect(signed.stdoutText.split(separator: "\n").count == 2)
        let index = try fixture.layout.readIndex()
        #expect(index.manifests.allSatisfy { $0.cosignKind == nil }, "a layout of two images gets no cosign kind")
        let verified = try fixture.run("verify", "--key", Fixture.examplePub, "--all", fixture.path)
        #expect(verified.status == 0, "\(verified)")
        let both = try fixture.run("verify", "--key", Fixture.examplePub, fixture.path + ":v1", fixture.path + ":amd64",
                                   "\(fixture.path)@\(Fixture.arm64Digest)")
        #expect(both.status == 1)
        #expect(both.stderrText.contains("1 of 3 images failed verification; \(fixture.path)@\(Fixture.arm64Digest): no signatures found"))
        let withTag = try fixture.run("verify", "--key", Fixture.examplePub, "--all", fixture.path + ":v1")
        #expect(withTag.isUsageError("verify"), "\(withTag)")
    }

    @Test func aMissingRepositoryNameIsAClearError() throws {
        let fixture = try Fixture()
        let outcome = try fixture.run("sign", "--key", Fixture.exampleKey, "\(fixture.path)@\(Fixture.amd64Digest)")
        #expect(outcome.status == 2)
        #expect(outcome.isOneLineError)
        #expect(outcome.stderrText.contains("pass --reference REGISTRY/REPOSITORY"))
        let bad = try fixture.run("sign", "--key", Fixture.exampleKey, "--reference", "Not/Valid", fixture.path + ":v1")
        #expect(bad.isUsageError("sign"), "\(bad)")
    }

    @Test func unreadableInputsExit2WithOneLine() throws {
        let fixture = try Fixture()
        let missingTag = try fixture.run("verify", "--key", Fixture.examplePub, fixture.path + ":nope")
        #expect(missingTag.status == 2)
        #expect(missingTag.isOneLineError)
        #expect(missingTag.stderrText.contains("no tag \"nope\""))
        let notALayout = try fixture.run("sign", "--key", Fixture.exampleKey, fixture.scratch.path("nothing"))
        #expect(notALayout.status == 2)
        #expect(notALayout.isOneLineError)
        let noKeyOrIdentity = try fixture.run("verify", fixture.path + ":v1")
        #expect(noKeyOrIdentity.isUsageError("verify"), "\(noKeyOrIdentity)")
    }
}
