import AirlockCrypto
import Foundation
import Sigstore
import SigstoreTestKit
import Testing

/// `airlock trusted-root create` for an organisation's own Sigstore: the root it writes reads
/// back and verifies the instance's bundles.
@Suite struct TrustedRootCommandTests {
    @Test func createdRootVerifiesTheInstance() throws {
        let kit = try PrivateSigstore()
        let dir = try ScratchDirectory()
        try dir.write("fulcio.pem", kit.fulcioRoot.pem + kit.fulcioIntermediate.pem) // root first: read in reverse
        try dir.write("rekor.pub", kit.rekorV1.key.publicKey.pem)
        try dir.write("rekor2.pub", kit.rekorV2.key.publicKey.pem)
        try dir.write("ct.pub", kit.ctLogKey.publicKey.pem)
        try dir.write("tsa.pem", kit.timestampAuthority.certificate.pem + kit.timestampAuthorityRoot.pem)
        let created = try AirlockProcess.run([
            "trusted-root", "create", "--fulcio-chain", "fulcio.pem", "--fulcio-url", kit.configuration.fulcioURL,
            "--rekor-key", "rekor.pub", "--rekor-url", kit.configuration.rekorV1URL,
            "--rekor-key", "rekor2.pub", "--rekor-url", kit.configuration.rekorV2URL,
            "--ctlog-key", "ct.pub", "--tsa-chain", "tsa.pem", "--tsa-url", kit.configuration.timestampAuthorityURL,
            "--valid-from", "2024-01-01", "-o", "root.json",
        ], in: dir.url)
        #expect(created.status == 0 && created.stderrLines == ["Trusted root written to root.json"], "\(created)")
        let root = try TrustedRoot(json: try dir.contents("root.json"))
        #expect(root.mediaType == TrustedRoot.mediaTypeV01)
        #expect(root.transparencyLogs.map(\.logID) == [kit.rekorV1.logID, kit.rekorV2.logID])
        #expect(root.certificateAuthorities.first?.certificates == [kit.fulcioIntermediate.der, kit.fulcioRoot.der])
        #expect(root.certificateAuthorities.first?.subject?.commonName == "sigstore-root")
        #expect(root.ctLogs.first?.logID == kit.ctLogKey.publicKey.spkiSHA256)
        #expect(root.transparencyLogs.first?.validFor.start == Date(timeIntervalSince1970: 1_704_067_200))

        for (name, recipe) in [("v1", BundleRecipe()), ("v2", BundleRecipe().log(.rekorV2).timestamped())] {
            let made = try kit.makeBundle(recipe)
            try made.json.write(to: dir.url.appendingPathComponent("\(name).json"))
            try made.artifact.write(to: dir.url.appendingPathComponent(name))
            let verified = try AirlockProcess.run(["verify-blob"] + LeafProfile.identityFlags + ["--trusted-root", "root.json", "--bundle", "\(name).json", name],
                                                  in: dir.url)
            #expect(verified.status == 0, "\(name): \(verified)")
        }

        let again = try AirlockProcess.run(["trusted-root", "create", "--ctlog-key", "ct.pub", "-o", "root.json"], in: dir.url)
        #expect(again.isOneLineError && again.stderrText.contains("--force"), "\(again)")
    }

    @Test func refusals() throws {
        let kit = try PrivateSigstore()
        let dir = try ScratchDirectory()
        try dir.write("rekor2.pub", kit.rekorV2.key.publicKey.pem)
        try dir.write("leaf.pem", try kit.issueLeaf(for: try PrivateKey.generateP256().publicKey).pem)
        for (arguments, status) in [
            (["--rekor-key", "rekor2.pub"], Int32(2)),
            (["--fulcio-chain", "leaf.pem"], 2),
            (["--fulcio-chain", "missing.pem"], 2),
            ([], 64),
            (["--ctlog-key", "rekor2.pub", "--ctlog-url", "a", "--ctlog-url", "b"], 64),
            (["--ctlog-key", "rekor2.pub", "--valid-from", "yesterday"], 64),
        ] {
            let result = try AirlockProcess.run(["trusted-root", "create"] + arguments, in: dir.url)
            #expect(status == 64 ? result.isUsageError("trusted-root create") : result.status == status && result.isOneLineError,
                    "\(arguments): \(result)")
        }
    }
}
