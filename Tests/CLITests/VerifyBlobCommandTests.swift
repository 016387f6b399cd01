import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore
import SigstoreTestKit
import Testing

/// End-to-end runs of `airlock verify-blob` on bundles of the test kit.
@Suite struct VerifyBlobCommandTests {
    let kit: PrivateSigstore
    let dir: ScratchDirectory
    /// An environment where no trusted root can be discovered.
    let isolated: [String: String]

    init() throws {
        kit = try PrivateSigstore()
        dir = try ScratchDirectory()
        try FileManager.default.createDirectory(atPath: dir.path("home"), withIntermediateDirectories: true)
        isolated = AirlockProcess.quietEnvironment(home: dir.path("home"))
        try kit.trustedRoot.encoded().write(to: dir.url.appendingPathComponent("trusted_root.json"))
    }

    private func write(_ made: KitBundle, as name: String) throws {
        try made.json.write(to: dir.url.appendingPathComponent("\(name).sigstore.json"))
        try made.artifact.write(to: dir.url.appendingPathComponent(name))
    }

    private func run(_ arguments: [String], environment: [String: String]? = nil) throws -> AirlockProcess.Result {
        try AirlockProcess.run(["verify-blob"] + arguments, in: dir.url, environment: environment ?? isolated)
    }

    @Test func keylessBundleByPathAndByDigest() throws {
        let made = try kit.makeBundle()
        try write(made, as: "a.txt")
        let byPath = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--bundle", "a.txt.sigstore.json", "a.txt"])
        #expect(byPath.status == 0, "\(byPath)")
        #expect(byPath.stdoutText.contains("identity:    \(LeafProfile.defaultIdentity)"))
        #expect(byPath.stdoutText.contains("issuer:      \(LeafProfile.defaultIssuer)"))
        #expect(byPath.stdoutText.contains("(transparency log \(kit.configuration.rekorV1URL))"))
        let byDigest = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--bundle", "a.txt.sigstore.json", made.artifactDigest.description])
        #expect(byDigest.status == 0, "\(byDigest)")
    }

    @Test func jsonReportsSuccessAndFailure() throws {
        try write(try kit.makeBundle(BundleRecipe().log(.rekorV2).timestamped()), as: "v2")
        let ok = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--bundle", "v2.sigstore.json", "--output", "json", "v2"])
        #expect(ok.status == 0, "\(ok)")
        let report = try #require(try JSONSerialization.jsonObject(with: ok.stdout) as? [String: Any])
        #expect(report["verified"] as? Bool == true)
        #expect(report["identity"] as? String == LeafProfile.defaultIdentity)
        let signingTime = try #require(report["signingTime"] as? [String: Any])
        #expect(signingTime["source"] as? String == "timestampAuthority")
        #expect(signingTime["uri"] as? String == kit.configuration.timestampAuthorityURL)

        let bad = try run(["--certificate-identity", "someone@example.com", "--certificate-oidc-issuer", LeafProfile.defaultIssuer,
                           "--trusted-root", "trusted_root.json", "--bundle", "v2.sigstore.json", "--output", "json", "v2"])
        #expect(bad.status == 1 && bad.isOneLineError, "\(bad)")
        let failure = try #require(try JSONSerialization.jsonObject(with: bad.stdout) as? [String: Any])
        #expect(failure["verified"] as? Bool == false)
        #expect(failure["check"] as? String == "identity")
    }

    @Test func rejectionsNameTheCheck() throws {
        try write(try kit.makeBundle(), as: "a")
        try Data("tampered".utf8).write(to: dir.url.appendingPathComponent("other"))
        let wrongIssuer = try run(["--certificate-identity", LeafProfile.defaultIdentity, "--certificate-oidc-issuer", "https://accounts.google.com",
                                   "--trusted-root", "trusted_root.json", "--bundle", "a.sigstore.json", "a"])
        #expect(wrongIssuer.status == 1 && wrongIssuer.isOneLineError, "\(wrongIssuer)")
        #expect(wrongIssuer.stderrText.contains("identity: issuer"))
        let wrongArtifact = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--bundle", "a.sigstore.json", "other"])
        #expect(wrongArtifact.status == 1 && wrongArtifact.stderrText.contains("signature:"), "\(wrongArtifact)")
    }

    @Test func badInputIsOneLineAndStatusTwo() throws {
        try write(try kit.makeBundle(), as: "a")
        try Data("{\"mediaType\":".utf8).write(to: dir.url.appendingPathComponent("broken.json"))
        for arguments in [
            LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--bundle", "broken.json", "a"],
            LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--bundle", "missing.json", "a"],
            LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--bundle", "a.sigstore.json", "missing"],
            LeafProfile.identityFlags + ["--trusted-root", "a", "--bundle", "a.sigstore.json", "a"],
            ["--key", "a", "--bundle", "a.sigstore.json", "a"],
        ] {
            let result = try run(arguments)
            #expect(result.status == 2 && result.isOneLineError, "\(arguments): \(result)")
        }
    }

    @Test func usageErrors() throws {
        for arguments in [
            ["--bundle", "b", "a"],
            ["--key", "k", "--certificate-identity", "x", "--certificate-oidc-issuer", "y", "--bundle", "b", "a"],
            ["--certificate-identity", "x", "--bundle", "b", "a"],
            LeafProfile.identityFlags + ["--bundle", "b", "--signature", "s", "a"],
            LeafProfile.identityFlags + ["--certificate-identity-regexp", "(", "--bundle", "b", "a"],
            LeafProfile.identityFlags + ["--batch", "list", "a"],
        ] {
            let result = try run(arguments)
            #expect(result.isUsageError("verify-blob"), "\(arguments): \(result)")
        }
    }

    @Test func keyBundlesNeedNoTrustedRoot() throws {
        let key = try PrivateKey.generateP256()
        try Data(key.publicKey.pem.utf8).write(to: dir.url.appendingPathComponent("key.pub"))
        try write(try kit.makeBundle(BundleRecipe().signed(by: key)), as: "a")
        let offline = try run(["--key", "key.pub", "--bundle", "a.sigstore.json", "a"])
        #expect(offline.status == 0, "\(offline)")
        #expect(offline.stdoutText.contains("note: log entries not checked: no trusted root"))
        let checked = try run(["--key", "key.pub", "--bundle", "a.sigstore.json", "a"],
                              environment: isolated.merging(["SIGSTORE_TRUSTED_ROOT": dir.path("trusted_root.json")]) { $1 })
        #expect(checked.status == 0 && checked.stdoutText.contains("log entry:   \(kit.configuration.rekorV1URL)"), "\(checked)")
    }

    @Test func detachedSignatures() throws {
        let key = try PrivateKey.generateP256()
        try Data(key.publicKey.pem.utf8).write(to: dir.url.appendingPathComponent("key.pub"))
        let artifact = Data("detached\n".utf8)
        try artifact.write(to: dir.url.appendingPathComponent("file"))
        let signature = try key.sign(artifact)
        try Data((Base64.encode(signature) + "\n").utf8).write(to: dir.url.appendingPathComponent("file.sig"))
        try signature.write(to: dir.url.appendingPathComponent("file.rawsig"))
        for file in ["file.sig", "file.rawsig"] {
            let result = try run(["--key", "key.pub", "--signature", file, "file"])
            #expect(result.status == 0, "\(file): \(result)")
        }
        let digest = try run(["--key", "key.pub", "--signature", "file.sig", Digest.of(artifact).description])
        #expect(digest.status == 0, "\(digest)")
        try Data("other\n".utf8).write(to: dir.url.appendingPathComponent("other"))
        let wrong = try run(["--key", "key.pub", "--signature", "file.sig", "other"])
        #expect(wrong.status == 1 && wrong.isOneLineError, "\(wrong)")
        // Keyless: the certificate is checked at the current time without a log, long after it expired.
        let made = try kit.makeBundle(BundleRecipe().log(.none))
        try Data(Base64.encode(made.bundle.content.signature).utf8).write(to: dir.url.appendingPathComponent("k.sig"))
        try Data(try #require(made.certificate).pem.utf8).write(to: dir.url.appendingPathComponent("k.pem"))
        try made.artifact.write(to: dir.url.appendingPathComponent("k"))
        let keylessResult = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--insecure-ignore-tlog", "--signature", "k.sig",
                                               "--certificate", "k.pem", "k"])
        #expect(keylessResult.status == 1 && keylessResult.stderrText.contains("certificateChain"), "\(keylessResult)")
    }

    @Test func legacyBlobBundlesOfCosign2() throws {
        let made = try kit.makeBundle()
        try made.legacyBlobBundle().write(to: dir.url.appendingPathComponent("legacy.bundle"))
        try made.artifact.write(to: dir.url.appendingPathComponent("legacy"))
        let keylessResult = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--bundle", "legacy.bundle", "legacy"])
        #expect(keylessResult.status == 0 && keylessResult.stdoutText.contains("(transparency log \(kit.configuration.rekorV1URL))"),
                "\(keylessResult)")
        let key = try PrivateKey.generateP256()
        try Data(key.publicKey.pem.utf8).write(to: dir.url.appendingPathComponent("key.pub"))
        try kit.makeBundle(BundleRecipe().signed(by: key)).legacyBlobBundle().write(to: dir.url.appendingPathComponent("keyed.bundle"))
        let keyed = try run(["--key", "key.pub", "--trusted-root", "trusted_root.json", "--bundle", "keyed.bundle", "legacy"])
        #expect(keyed.status == 0 && keyed.stdoutText.contains("log entry:   \(kit.configuration.rekorV1URL)"), "\(keyed)")
        let wrongArtifact = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--bundle", "legacy.bundle", "key.pub"])
        #expect(wrongArtifact.status == 1 && wrongArtifact.isOneLineError, "\(wrongArtifact)")
    }

    /// Writes `made`'s first RFC 3161 timestamp as cosign's detached timestamp file.
    private func writeDetachedTimestamp(of made: KitBundle, as name: String) throws {
        let token = try #require(made.bundle.verificationMaterial.rfc3161Timestamps.first)
        let json = JSONValue.object([(key: "SignedRFC3161Timestamp", value: .string(Base64.encode(token)))])
        try Data(json.serializedString().utf8).write(to: dir.url.appendingPathComponent(name))
    }

    @Test func detachedTimestampsOfCosign2() throws {
        let detached = try kit.makeBundle(BundleRecipe().log(.none).timestamped())
        try writeDetachedTimestamp(of: detached, as: "d.ts.json")
        try Data(Base64.encode(detached.bundle.content.signature).utf8).write(to: dir.url.appendingPathComponent("d.sig"))
        try Data(try #require(detached.certificate).pem.utf8).write(to: dir.url.appendingPathComponent("d.pem"))
        try detached.artifact.write(to: dir.url.appendingPathComponent("d"))
        let signature = LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--signature", "d.sig", "--certificate", "d.pem"]
        let stamped = try run(signature + ["--insecure-ignore-tlog", "--use-signed-timestamps", "--rfc3161-timestamp", "d.ts.json", "d"])
        #expect(stamped.status == 0 && stamped.stdoutText.contains("timestamp authority"), "\(stamped)")
        let unstamped = try run(signature + ["--insecure-ignore-tlog", "--use-signed-timestamps", "d"])
        #expect(unstamped.status == 1 && unstamped.isOneLineError && unstamped.stderrText.contains("signedTimestamp: 0 verified"), "\(unstamped)")
        let countless = try run(signature + ["--insecure-ignore-tlog", "--rfc3161-timestamp", "d.ts.json", "d"])
        #expect(countless.isUsageError("verify-blob"), "\(countless)")

        // A legacy blob bundle keeps its timestamp beside it; a Sigstore bundle takes none.
        let logged = try kit.makeBundle(BundleRecipe().timestamped())
        try logged.legacyBlobBundle().write(to: dir.url.appendingPathComponent("l.bundle"))
        try writeDetachedTimestamp(of: logged, as: "l.ts.json")
        try logged.artifact.write(to: dir.url.appendingPathComponent("l"))
        let legacy = LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--use-signed-timestamps", "--bundle", "l.bundle"]
        let legacyStamped = try run(legacy + ["--rfc3161-timestamp", "l.ts.json", "l"])
        #expect(legacyStamped.status == 0, "\(legacyStamped)")
        let legacyUnstamped = try run(legacy + ["l"])
        #expect(legacyUnstamped.status == 1 && legacyUnstamped.stderrText.contains("signedTimestamp: 0 verified"), "\(legacyUnstamped)")
        try write(logged, as: "s")
        let sigstore = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--use-signed-timestamps", "--bundle", "s.sigstore.json",
                                          "--rfc3161-timestamp", "l.ts.json", "s"])
        #expect(sigstore.status == 2 && sigstore.isOneLineError && sigstore.stderrText.contains("carries its own timestamps"), "\(sigstore)")
        try Data("{}".utf8).write(to: dir.url.appendingPathComponent("empty.ts.json"))
        let malformed = try run(legacy + ["--rfc3161-timestamp", "empty.ts.json", "l"])
        #expect(malformed.status == 2 && malformed.isOneLineError && malformed.stderrText.contains("SignedRFC3161Timestamp"), "\(malformed)")
    }

    @Test func trustedRootDiscovery() throws {
        try write(try kit.makeBundle(), as: "a")
        let arguments = LeafProfile.identityFlags + ["--bundle", "a.sigstore.json", "a"]
        let missing = try run(arguments)
        #expect(missing.status == 2 && missing.stderrText.contains("--trusted-root"), "\(missing)")
        let byEnvironment = try run(arguments, environment: isolated.merging(["SIGSTORE_TRUSTED_ROOT": dir.path("trusted_root.json")]) { $1 })
        #expect(byEnvironment.status == 0, "\(byEnvironment)")
        // A sigstore-go TUF cache under ~/.sigstore/root/<repository>/targets/.
        let cache = dir.url.appendingPathComponent("home/.sigstore/root/tuf-repo.airlock.test/targets")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        try kit.trustedRoot.encoded().write(to: cache.appendingPathComponent("trusted_root.json"))
        let byCache = try run(arguments)
        #expect(byCache.status == 0, "\(byCache)")
        let tufRoot = try run(arguments, environment: isolated.merging(["TUF_ROOT": dir.path("home/.sigstore/root")]) { $1 })
        #expect(tufRoot.status == 0, "\(tufRoot)")
        // Two cached roots are ambiguous.
        let second = dir.url.appendingPathComponent("home/.sigstore/root/tuf-repo-cdn.sigstore.dev/targets")
        try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
        try kit.trustedRoot.encoded().write(to: second.appendingPathComponent("trusted_root.json"))
        let ambiguous = try run(arguments)
        #expect(ambiguous.status == 2 && ambiguous.stderrText.contains("several trusted roots"), "\(ambiguous)")
    }

    @Test func batchByListAndByDirectory() throws {
        let batch = dir.url.appendingPathComponent("batch")
        try FileManager.default.createDirectory(at: batch, withIntermediateDirectories: true)
        var list = "# bundle artifact\n"
        for index in 0..<4 {
            let made = try kit.makeBundle(BundleRecipe(artifact: Data("artifact \(index)".utf8)))
            try made.json.write(to: batch.appendingPathComponent("f\(index).sigstore.json"))
            try made.artifact.write(to: batch.appendingPathComponent("f\(index)"))
            list += "batch/f\(index).sigstore.json\tbatch/f\(index)\n"
        }
        try Data(list.utf8).write(to: dir.url.appendingPathComponent("list"))
        let good = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--batch", "list"])
        #expect(good.status == 0 && good.stdoutText.hasSuffix("4 verified, 0 failed\n"), "\(good)")
        try Data("changed".utf8).write(to: batch.appendingPathComponent("f2"))
        let directory = try run(LeafProfile.identityFlags + ["--trusted-root", "trusted_root.json", "--batch", "batch", "--output", "json"])
        #expect(directory.status == 1 && directory.isOneLineError, "\(directory)")
        let reports = try #require(try JSONSerialization.jsonObject(with: directory.stdout) as? [[String: Any]])
        #expect(reports.map { $0["verified"] as? Bool } == [true, true, false, true])
        #expect(reports[2]["check"] as? String == "signature")
    }
}
