import AirlockCrypto
import Foundation
import SigstoreTestKit
import Testing

/// `pack --include-key|--include-trusted-root|--include-policy` archives only what it
/// validated, and never a private key.
@Suite struct PackTrustMaterialTests {
    static let example = TransferCommandTests.example + ":v1"

    /// Packs the example image with `options`; returns the outcome and the tarball path.
    private func pack(_ scratch: ScratchDirectory, _ options: String...) throws -> (AirlockProcess.Result, String) {
        let tarball = scratch.path("out.tar")
        return (try AirlockProcess.run(["pack", "--quiet"] + options + ["-o", tarball, Self.example], in: scratch.url), tarball)
    }

    /// The content of `entry` in the tarball.
    private func extract(_ entry: String, from tarball: String) throws -> Data {
        let extracted = try Tar.run(["-xOf", tarball, entry])
        try #require(extracted.status == 0, "no \(entry) in \(tarball)")
        return extracted.stdout
    }

    private func expectRefused(_ outcome: AirlockProcess.Result, saying words: String, scratch: ScratchDirectory,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.status == 2 && outcome.isOneLineError, "\(outcome)", sourceLocation: sourceLocation)
        #expect(outcome.stderrText.contains(words), "\(outcome)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: scratch.path("out.tar")), "no tarball written", sourceLocation: sourceLocation)
    }

    @Test func keyFileWithAPrivateKeyAfterThePublicOneIsRefused() throws {
        let scratch = try ScratchDirectory()
        let privateKey = try PrivateKey.generateP256()
        let privatePEM = PEMBlock(label: "EC PRIVATE KEY", der: try privateKey.pkcs8DER().withUnsafeBytes { Data($0) }).text
        try scratch.write("combined.pem", try String(contentsOfFile: SigningFixture.examplePub, encoding: .utf8) + privatePEM)
        let (outcome, _) = try pack(scratch, "--include-key", "combined.pem")
        expectRefused(outcome, saying: "PRIVATE KEY", scratch: scratch)
    }

    @Test func keyFileOfTwoPublicKeysIsRefused() throws {
        let scratch = try ScratchDirectory()
        let other = try PrivateKey.generateP256().publicKey.pem
        try scratch.write("two.pub", try String(contentsOfFile: SigningFixture.examplePub, encoding: .utf8) + other)
        let (outcome, _) = try pack(scratch, "--include-key", "two.pub")
        expectRefused(outcome, saying: "2 PEM blocks", scratch: scratch)
    }

    @Test func keyIsArchivedReEncodedFromTheParsedKey() throws {
        let scratch = try ScratchDirectory()
        let original = try String(contentsOfFile: SigningFixture.examplePub, encoding: .utf8)
        let key = try PublicKey(pem: original)
        try scratch.write("noted.pub", "issued by the build team; see the wiki\n" + original + "trailing notes\n")
        let (outcome, tarball) = try pack(scratch, "--include-key", "noted.pub")
        #expect(outcome.status == 0, "\(outcome)")
        #expect(try extract("airlock/keys/noted.pub", from: tarball) == Data(key.pem.utf8))
    }

    @Test func trustedRootMustParse() throws {
        let scratch = try ScratchDirectory()
        // The right media type (all the old check looked at), but a log key that is not a key.
        try scratch.write("bad-key.json", """
            {"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"baseUrl":"https://log.example",\
            "hashAlgorithm":"SHA2_256","publicKey":{"rawBytes":"bm90IGEga2V5","keyDetails":"PKIX_ECDSA_P256_SHA_256",\
            "validFor":{"start":"2024-01-01T00:00:00Z"}},"logId":{"keyId":"AA=="}}]}
            """)
        let (refused, _) = try pack(scratch, "--include-trusted-root", "bad-key.json")
        expectRefused(refused, saying: "not a Sigstore trusted_root.json", scratch: scratch)

        let root = try PrivateSigstore().trustedRoot.encoded()
        try root.write(to: scratch.url.appendingPathComponent("root.json"))
        let (accepted, tarball) = try pack(scratch, "--include-trusted-root", "root.json")
        #expect(accepted.status == 0, "\(accepted)")
        #expect(try extract("airlock/trusted-roots/root.json", from: tarball) == root)
    }

    @Test func policyWithAPrivateKeyIsRefused() throws {
        let scratch = try ScratchDirectory()
        try scratch.write("policy.yaml", "keys:\n  signer: |\n    -----BEGIN PRIVATE KEY-----\n    MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n    -----END PRIVATE KEY-----\n")
        let (outcome, _) = try pack(scratch, "--include-policy", "policy.yaml")
        expectRefused(outcome, saying: "PRIVATE KEY", scratch: scratch)
    }
}
