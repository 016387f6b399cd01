import AirlockCrypto
import Foundation
import OCI
import Testing

/// An unsigned manifest dressed as an attachment of a signed image, added to a signed tarball
/// by hand: `unpack --key --require-signatures` refuses it and leaves a signed layout as it
/// was, and `inspect` shows it.
@Suite("arrival rules end to end")
struct ArrivalRuleCommandTests {
    /// The example image signed with the example key and packed, then unpacked (verified) into
    /// `signed`; `layout` is the tarball extracted, for surgery.
    final class Tampered {
        let fixture: SigningFixture
        let layout: OCILayout
        let signed: String

        init() throws {
            fixture = try SigningFixture()
            try #require(try fixture.run("sign", "--key", SigningFixture.exampleKey, fixture.path + ":v1").status == 0)
            let tarball = fixture.scratch.path("signed.tar")
            try #require(try fixture.run("pack", "-o", tarball, fixture.path + ":v1").status == 0)
            signed = fixture.scratch.path("signed")
            let unpack = try fixture.run("unpack", tarball, "-o", signed, "--key", SigningFixture.examplePub, "--require-signatures")
            try #require(unpack.status == 0, "\(unpack)")
            let extracted = fixture.scratch.path("extracted")
            try FileManager.default.createDirectory(atPath: extracted, withIntermediateDirectories: true)
            try #require(try Tar.run(["-xf", tarball, "-C", extracted]).status == 0)
            layout = try OCILayout.open(at: URL(fileURLWithPath: extracted))
        }

        /// Lists an unsigned, runnable image manifest with `subject` and `annotations`.
        func addUnsigned(subject: Descriptor?, annotations: [String: String]) throws -> Descriptor {
            let layer = Data("an unsigned layer".utf8)
            let config = Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
            try layout.addBlob(layer)
            try layout.addBlob(config)
            let manifest = try ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, content: config),
                                             layers: [Descriptor(mediaType: MediaType.ociLayerGzip, content: layer)], subject: subject).encoded()
            return try layout.addManifest(manifest, mediaType: MediaType.ociManifest, annotations: annotations)
        }

        /// The tampered layout as a tarball (GNU tar, as an attacker would write it).
        func tarball() throws -> String {
            let path = fixture.scratch.path("tampered.tar")
            try #require(try Tar.run(["-cf", path, "-C", layout.directory.path, "oci-layout", "index.json", "blobs"]).status == 0)
            return path
        }
    }

    /// Every file under `directory` with its content.
    static func snapshot(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + path))
            }
        }
        return files
    }

    @Test func unsignedManifestWithAFakeSubjectIsCheckedAndRefused() throws {
        let tampered = try Tampered()
        let fake = Descriptor(mediaType: MediaType.ociManifest, digest: Digest.of(Data("nothing".utf8)), size: 7)
        _ = try tampered.addUnsigned(subject: fake, annotations: [AnnotationKey.refName: "v1-evil"])
        let tarball = try tampered.tarball()
        let before = try Self.snapshot(tampered.signed)
        let unpack = try tampered.fixture.run("unpack", tarball, "-o", tampered.signed, "--key", SigningFixture.examplePub, "--require-signatures")
        #expect(unpack.status == 1 && unpack.isOneLineError, "\(unpack)")
        #expect(unpack.stderrText.contains("v1-evil"))
        #expect(try Self.snapshot(tampered.signed) == before, "the signed layout is unchanged")

        let inspect = try tampered.fixture.run("inspect", tarball, "--key", SigningFixture.examplePub)
        #expect(inspect.status == 1, "\(inspect)")
        #expect(inspect.stdoutText.contains("image v1-evil"))
        #expect(inspect.stdoutText.contains("verdict \"signatures by \(SigningFixture.examplePub)\": FAILED"))
    }

    @Test func cosignTagOfNoImageIsUnattached() throws {
        let tampered = try Tampered()
        let tag = "sha256-\(Digest.of(Data("nothing".utf8)).hex).sig"
        _ = try tampered.addUnsigned(subject: nil, annotations: [AnnotationKey.refName: tag])
        let tarball = try tampered.tarball()
        let before = try Self.snapshot(tampered.signed)
        let unpack = try tampered.fixture.run("unpack", tarball, "-o", tampered.signed, "--key", SigningFixture.examplePub)
        #expect(unpack.status == 1 && unpack.isOneLineError, "\(unpack)")
        #expect(unpack.stderrText.contains("index.json entry \(tag)"))
        #expect(try Self.snapshot(tampered.signed) == before)

        let plain = try tampered.fixture.run("inspect", tarball)
        #expect(plain.status == 0, "\(plain)")
        #expect(plain.stdoutText.contains("unattached \(tag)"))
        let json = try tampered.fixture.run("inspect", tarball, "--output", "json")
        let tree = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        #expect((tree?["unattached"] as? [[String: Any]])?.first?["tag"] as? String == tag, "\(json.stdoutText)")
        let checked = try tampered.fixture.run("inspect", tarball, "--key", SigningFixture.examplePub)
        #expect(checked.status == 1 && checked.isOneLineError, "\(checked)")
        #expect(checked.stdoutText.contains("passed (1 of 1 keys verified"), "the image itself verifies")
        #expect(checked.stderrText.contains("belongs to no image"))
    }

    @Test func tarballOfNoImageIsRefusedWithChecks() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
        try scratch.write("index.json", #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#)
        #expect(try Tar.run(["-cf", scratch.path("empty.tar"), "-C", scratch.url.path, "oci-layout", "index.json"]).status == 0)
        let unpack = try AirlockProcess.run(["unpack", scratch.path("empty.tar"), "-o", scratch.path("dest"), "--require-signatures"])
        #expect(unpack.status == 1 && unpack.isOneLineError, "\(unpack)")
        #expect(unpack.stderrText.contains("the tarball holds no image"))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("dest")))
        let inspect = try AirlockProcess.run(["inspect", scratch.path("empty.tar"), "--key", SigningFixture.examplePub])
        #expect(inspect.status == 1 && inspect.stderrText.contains("holds no image"), "\(inspect)")
    }
}
