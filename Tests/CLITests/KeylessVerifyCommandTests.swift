import AirlockCrypto
import Foundation
import OCI
import Sigstore
import SigstoreTestKit
import Testing

/// `airlock verify` with the keyless flags, on an image whose bundle referrer was made by the
/// private Sigstore of the test kit (certificate, SCT, Rekor v1 entry).
@Suite("airlock verify, keyless")
struct KeylessVerifyCommandTests {
    typealias Fixture = SigningFixture

    /// The example image (single platform) with a keyless bundle referrer made by `recipe`
    /// from its manifest, and the kit's trusted root at `scratch/trusted_root.json`.
    static func keylessSigned(_ change: (BundleRecipe) -> BundleRecipe = { $0 }) throws -> Fixture {
        let fixture = try Fixture()
        try fixture.makeSinglePlatform()
        let layout = try fixture.layout
        let image = try layout.resolve(.tag("v1"))
        let kit = try PrivateSigstore()
        let signed = try kit.makeBundle(change(BundleRecipe(artifact: try layout.readManifest(image).bytes)
            .dsse(predicateType: "https://sigstore.dev/cosign/sign/v1")))
        let bundle = signed.json
        try layout.addBlob(bundle)
        try layout.addBlob(Data("{}".utf8))
        let referrer = ImageManifest(artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json", config: .emptyJSON,
                                     layers: [Descriptor(mediaType: "application/vnd.dev.sigstore.bundle.v0.3+json", content: bundle)],
                                     subject: Descriptor(mediaType: image.mediaType, digest: image.digest, size: image.size))
        _ = try layout.storeManifest(try referrer.encoded(), mediaType: MediaType.ociManifest)
        try kit.trustedRoot.encoded().write(to: fixture.scratch.url.appendingPathComponent("trusted_root.json"))
        return fixture
    }

    @Test func aKeylessBundleReferrerVerifiesAgainstTheIdentityAndTrustedRoot() throws {
        let fixture = try Self.keylessSigned()

        func verify(identity: String) throws -> AirlockProcess.Result {
            try AirlockProcess.run(["verify", "--certificate-identity", identity, "--certificate-oidc-issuer", LeafProfile.defaultIssuer,
                                    "--trusted-root", fixture.scratch.path("trusted_root.json"), fixture.path + ":v1"])
        }
        let passing = try verify(identity: LeafProfile.defaultIdentity)
        #expect(passing.status == 0, "\(passing)")
        #expect(passing.stdoutText.contains("ACCEPT bundle referrer"))
        #expect(passing.stdoutText.contains("signed by \(LeafProfile.defaultIdentity)"))
        let other = try verify(identity: "https://github.com/someone-else/app")
        #expect(other.status == 1)
        #expect(other.stdoutText.contains("REJECT bundle referrer"))
        #expect(other.stdoutText.contains(": identity: "))

        let noRoot = try AirlockProcess.run(["verify"] + LeafProfile.identityFlags + [fixture.path + ":v1"],
                                            environment: AirlockProcess.quietEnvironment(home: fixture.scratch.path("home")))
        #expect(noRoot.status == 2)
        #expect(noRoot.isOneLineError)
        #expect(noRoot.stderrText.contains("no trusted root"))
    }

    @Test func insecureIgnoreSctIsTheOnlyWayPastAMissingSCT() throws {
        let fixture = try Self.keylessSigned { $0.certificate { $0.sct = .none } }
        let root = ["--trusted-root", fixture.scratch.path("trusted_root.json")]
        let strict = try AirlockProcess.run(["verify"] + LeafProfile.identityFlags + root + [fixture.path + ":v1"])
        #expect(strict.status == 1, "\(strict)")
        #expect(strict.stdoutText.contains(": sct: "))
        let lax = try AirlockProcess.run(["verify", "--insecure-ignore-sct"] + LeafProfile.identityFlags + root + [fixture.path + ":v1"])
        #expect(lax.status == 0, "\(lax)")
    }

    @Test func aKeylessImageIsVerifiedOnArrival() throws {
        let fixture = try Self.keylessSigned()
        let tarball = fixture.scratch.path("keyless.tar")
        #expect(try AirlockProcess.run(["pack", "--include-trusted-root", fixture.scratch.path("trusted_root.json"), "-o", tarball, fixture.path + ":v1"]).status == 0)
        let ownRoot = try AirlockProcess.run(["unpack", tarball, "-o", fixture.scratch.path("own-root")] + LeafProfile.identityFlags
            + ["--trusted-root", fixture.scratch.path("trusted_root.json")])
        #expect(ownRoot.status == 0, "\(ownRoot)")
        #expect(ownRoot.stdoutText.contains("check \"keyless signatures\": passed for 1 image(s)"))
        let archiveRoot = try AirlockProcess.run(["unpack", tarball, "-o", fixture.scratch.path("archive-root")] + LeafProfile.identityFlags
            + ["--trusted-root-from-archive", "trusted_root.json"])
        #expect(archiveRoot.status == 0, "\(archiveRoot)")
        let wrongIdentity = try AirlockProcess.run(["unpack", tarball, "-o", fixture.scratch.path("refused"),
                                                    "--certificate-identity", "https://github.com/someone-else/app",
                                                    "--certificate-oidc-issuer", LeafProfile.defaultIssuer,
                                                    "--trusted-root", fixture.scratch.path("trusted_root.json")])
        #expect(wrongIdentity.status == 1 && wrongIdentity.isOneLineError, "\(wrongIdentity)")
        #expect(!FileManager.default.fileExists(atPath: fixture.scratch.path("refused")))
    }
}
