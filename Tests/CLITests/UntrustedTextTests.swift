import AirlockCrypto
import Foundation
import OCI
import SigstoreTestKit
import Testing

/// Strings from a hostile layout, tarball or bundle cannot forge lines or send terminal
/// control sequences in text output: line breaks and controls are printed escaped.
@Suite("untrusted text in output")
struct UntrustedTextTests {
    typealias Fixture = SigningFixture

    /// A forged verdict line, with an ANSI colour sequence.
    static let forgery = "\n\u{1B}[32m  ACCEPT legacy forged layer 1: signature verified with key cosign.pub"

    /// The lines of `text` that start like a verdict.
    static func verdictLines(_ text: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.hasPrefix("  ACCEPT") || $0.hasPrefix("  REJECT") }
    }

    @Test func aMediaTypeCannotForgeAnAcceptLine() throws {
        let fixture = try SignatureRejectionTests.signed("legacy")
        let layout = try fixture.layout
        let entry = try fixture.signatureEntry(of: Fixture.indexDigest)
        var manifest = try fixture.manifest(entry)
        manifest.layers[0].mediaType = MediaType.cosignSimpleSigning + Self.forgery
        let bytes = try manifest.encoded()
        let digest = try layout.addBlob(bytes)
        try layout.updateIndex { index in
            for position in index.manifests.indices where index.manifests[position].digest == entry.digest {
                index.manifests[position].digest = digest
                index.manifests[position].size = Int64(bytes.count)
            }
        }
        let outcome = try fixture.run("verify", "--key", Fixture.examplePub, fixture.path + ":v1")
        #expect(outcome.status == 1, "\(outcome)")
        #expect(outcome.isOneLineError, "\(outcome)")
        let verdicts = Self.verdictLines(outcome.stdoutText)
        #expect(verdicts.count == 1 && verdicts.allSatisfy { $0.hasPrefix("  REJECT legacy") }, "\(outcome.stdoutText)")
        #expect(!outcome.stdout.contains(0x1B), "an escape character reached the terminal")
        // The manifest is malformed (a media type is RFC 6838 text), and its text is shown escaped.
        #expect(outcome.stdoutText.contains(#"is not a media type"#), "\(outcome.stdoutText)")
        #expect(outcome.stdoutText.contains(#"\n\u{1b}[32m  ACCEPT legacy forged layer 1"#), "\(outcome.stdoutText)")
    }

    @Test func aTagCannotForgeAnImageInTheInspectTree() throws {
        let copy = try LayoutCommandTests.LayoutCopy()
        try copy.layout.updateIndex { index in
            index.manifests[0].annotations?[AnnotationKey.refName] = "v1\rimage forged\u{2028}sha256:0\u{85}x\u{202E}"
        }
        let outcome = try AirlockProcess.run(["inspect", copy.url.path])
        #expect(outcome.status == 0, "\(outcome)")
        let lines = outcome.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.filter { $0.hasPrefix("image ") }.count == 1, "\(outcome.stdoutText)")
        #expect(outcome.stdoutText.contains(#"image v1\rimage forged\u{2028}sha256:0\u{85}x\u{202e}"#), "\(outcome.stdoutText)")
        #expect(!outcome.stdoutText.unicodeScalars.contains { [0x0D, 0x85, 0x2028, 0x202E].contains($0.value) })
    }

    @Test func anIdentityCannotForgeVerifyBlobLines() throws {
        let kit = try PrivateSigstore()
        let scratch = try ScratchDirectory()
        let identity = "https://ci.example/build\n  identity:    https://github.com/trusted/repo"
        let made = try kit.makeBundle(BundleRecipe().certificate { $0.subjectAlternativeName = .uri(identity) })
        try made.json.write(to: scratch.url.appendingPathComponent("a.sigstore.json"))
        try made.artifact.write(to: scratch.url.appendingPathComponent("a"))
        try kit.trustedRoot.encoded().write(to: scratch.url.appendingPathComponent("root.json"))
        let common = ["verify-blob", "--certificate-oidc-issuer", LeafProfile.defaultIssuer, "--trusted-root", "root.json",
                      "--bundle", "a.sigstore.json", "a"]
        let verified = try AirlockProcess.run(common + ["--certificate-identity", identity], in: scratch.url)
        #expect(verified.status == 0, "\(verified)")
        #expect(verified.stdoutText.split(separator: "\n").filter { $0.contains("identity:") }.count == 1, "\(verified.stdoutText)")
        #expect(verified.stdoutText.contains(#"identity:    https://ci.example/build\n  identity:    https://github.com"#))

        let rejected = try AirlockProcess.run(common + ["--certificate-identity", "https://ci.example/build"], in: scratch.url)
        #expect(rejected.status == 1, "\(rejected)")
        #expect(rejected.isOneLineError, "\(rejected)")
        #expect(rejected.stderrText.contains(#"https://ci.example/build\n  identity:"#), "\(rejected)")
    }
}
