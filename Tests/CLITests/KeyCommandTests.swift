import AirlockCrypto
import Foundation
import KeyFixtures
import Testing

/// End-to-end runs of generate-key-pair, import-key-pair and public-key.
@Suite struct KeyCommandTests {
    let password = ["COSIGN_PASSWORD": "test-password"]

    private func generate(in dir: ScratchDirectory, _ extra: [String] = [], environment: [String: String]? = nil)
        throws -> AirlockProcess.Result {
        try AirlockProcess.run(["generate-key-pair"] + extra, in: dir.url, environment: environment ?? password)
    }

    @Test func generateWritesAPairThatPublicKeyReads() throws {
        let dir = try ScratchDirectory()
        let result = try generate(in: dir)
        #expect(result.status == 0, "\(result)")
        #expect(result.stderrLines == ["Private key written to cosign.key", "Public key written to cosign.pub"])
        #expect(dir.entries == ["cosign.key", "cosign.pub"])
        #expect(try dir.mode("cosign.key") == 0o600)
        #expect(try dir.mode("cosign.pub") == 0o644)
        let keyText = String(decoding: try dir.contents("cosign.key"), as: UTF8.self)
        #expect(try CosignKeyFile(pem: keyText).envelope.scrypt == .standard)

        let printed = try AirlockProcess.run(["public-key", "--key", "cosign.key"], in: dir.url, environment: password)
        #expect(printed.status == 0, "\(printed)")
        #expect(printed.stdout == (try dir.contents("cosign.pub")))
    }

    @Test func prefixAndPasswordFileAreHonoured() throws {
        let dir = try ScratchDirectory()
        try dir.write("pw", "from-file\r\n")
        let result = try generate(in: dir, ["--output-key-prefix", "keys-x", "--password-file", "pw"], environment: [:])
        #expect(result.status == 0, "\(result)")
        #expect(dir.entries == ["keys-x.key", "keys-x.pub", "pw"])
        // One trailing "\r\n" was removed: the password is exactly "from-file".
        let ok = try AirlockProcess.run(["public-key", "--key", "keys-x.key"], in: dir.url,
                                        environment: ["COSIGN_PASSWORD": "from-file"])
        #expect(ok.status == 0, "\(ok)")
        // Only one newline is removed.
        try dir.write("pw2", "from-file\n\n")
        let wrong = try AirlockProcess.run(["public-key", "--key", "keys-x.key", "--password-file", "pw2"], in: dir.url)
        #expect(wrong.isOneLineError && wrong.stderrText.contains("wrong password"), "\(wrong)")
    }

    @Test func emptyEnvironmentPasswordIsAPassword() throws {
        let dir = try ScratchDirectory()
        #expect(try generate(in: dir, environment: ["COSIGN_PASSWORD": ""]).status == 0)
        let empty = try AirlockProcess.run(["public-key", "--key", "cosign.key"], in: dir.url, environment: ["COSIGN_PASSWORD": ""])
        #expect(empty.status == 0, "\(empty)")
        let other = try AirlockProcess.run(["public-key", "--key", "cosign.key"], in: dir.url, environment: password)
        #expect(other.isOneLineError, "\(other)")
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let dir = try ScratchDirectory()
        try dir.write("cosign.pub", "precious\n")
        let refused = try generate(in: dir)
        #expect(refused.isOneLineError, "\(refused)")
        #expect(refused.stderrText.contains("cosign.pub already exists"))
        #expect(dir.entries == ["cosign.pub"])
        #expect(try dir.contents("cosign.pub") == Data("precious\n".utf8))

        let forced = try generate(in: dir, ["--force"])
        #expect(forced.status == 0, "\(forced)")
        #expect(try dir.contents("cosign.pub") != Data("precious\n".utf8))
        let again = try generate(in: dir)
        #expect(again.isOneLineError && again.stderrText.contains("cosign.key already exists"), "\(again)")
    }

    /// `--force` whose second rename fails leaves the old pair, not a new key beside an old
    /// public key (or the reverse), and no staged or kept files.
    @Test(arguments: ["cosign.pub", "cosign.key"])
    func aFailedForcedOverwriteKeepsTheOldPair(blocked: String) throws {
        let dir = try ScratchDirectory()
        try dir.write("cosign.key", "old private key\n")
        try dir.write("cosign.pub", "old public key\n")
        // A non-empty directory in place of one file: renaming a file over it fails.
        try FileManager.default.removeItem(atPath: dir.path(blocked))
        try FileManager.default.createDirectory(atPath: dir.path(blocked + "/inside"), withIntermediateDirectories: true)
        let before = dir.entries
        let result = try generate(in: dir, ["--force"])
        #expect(result.status == 2 && result.isOneLineError, "\(result)")
        #expect(result.stderrText.contains("cannot write \(blocked)"), "\(result)")
        #expect(dir.entries == before, "\(dir.entries)")
        for other in ["cosign.key", "cosign.pub"] where other != blocked {
            #expect(try dir.contents(other) == Data("old \(other == "cosign.key" ? "private" : "public") key\n".utf8), "\(other) changed")
        }
    }

    @Test func noPasswordSourceFailsFastWithoutATerminal() throws {
        let dir = try ScratchDirectory()
        let result = try AirlockProcess.run(["generate-key-pair"], in: dir.url, timeout: 20)
        #expect(!result.timedOut)
        #expect(result.isOneLineError, "\(result)")
        #expect(result.stderrText.contains("COSIGN_PASSWORD") && result.stderrText.contains("--password-file"))
        #expect(dir.entries.isEmpty)
    }

    @Test func wrongPasswordWritesNothing() throws {
        let dir = try ScratchDirectory()
        #expect(try generate(in: dir).status == 0)
        let result = try AirlockProcess.run(["public-key", "--key", "cosign.key", "--outfile", "out.pub"], in: dir.url,
                                            environment: ["COSIGN_PASSWORD": "test-passwort"])
        #expect(result.status == 2)
        #expect(result.isOneLineError && result.stderrText.contains("wrong password"), "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(dir.entries == ["cosign.key", "cosign.pub"])
    }

    @Test func truncatedAndForeignKeyFilesAreRefused() throws {
        let dir = try ScratchDirectory()
        #expect(try generate(in: dir).status == 0)
        let full = String(decoding: try dir.contents("cosign.key"), as: UTF8.self)
        try dir.write("truncated.key", String(full.prefix(full.count - 40)))
        try dir.write("plain.key", try FixtureKey(.ec(curve: "P-256")).pkcs8PEM)
        try dir.write("binary.key", String(decoding: [0, 1, 2, 0xff], as: UTF8.self))
        for name in ["truncated.key", "plain.key", "binary.key", "missing.key"] {
            let result = try AirlockProcess.run(["public-key", "--key", name], in: dir.url, environment: password)
            #expect(result.isOneLineError && result.stderrText.contains(name), "\(name): \(result)")
            #expect(!result.stderrText.contains("Fatal error"))
        }
    }

    @Test func importsForeignKeysAndRejectsUnsupportedTypes() throws {
        let dir = try ScratchDirectory()
        let rsa = try FixtureKey(.rsa(bits: 2048))
        try dir.write("rsa.pem", try rsa.traditionalPEM)
        let imported = try AirlockProcess.run(["import-key-pair", "--key", "rsa.pem"], in: dir.url, environment: password)
        #expect(imported.status == 0, "\(imported)")
        #expect(try dir.mode("import-cosign.key") == 0o600)
        let spki = try PublicKey(pem: String(decoding: try dir.contents("import-cosign.pub"), as: UTF8.self)).derSPKI
        #expect(spki == (try rsa.publicKeyDER))

        for (kind, name) in [(FixtureKey.Kind.ec(curve: "P-224"), "secp224r1"), (.dsa(bits: 1024), "DSA"),
                             (.rsa(bits: 1024), "RSA 1024")] {
            try dir.write("bad.pem", try FixtureKey(kind).pkcs8PEM)
            let result = try AirlockProcess.run(["import-key-pair", "--key", "bad.pem", "--output-key-prefix", "bad"],
                                                in: dir.url, environment: password)
            #expect(result.isOneLineError && result.stderrText.contains("unsupported key type"), "\(result)")
            #expect(result.stderrText.contains(name), "\(result)")
            #expect(!dir.entries.contains("bad.key") && !dir.entries.contains("bad.pub"))
        }
    }

    @Test func importsEncryptedPKCS8WithItsOwnPassword() throws {
        let dir = try ScratchDirectory()
        let fixture = try FixtureKey(.ec(curve: "P-384"))
        try dir.write("enc.pem", try fixture.encryptedPKCS8PEM(password: "input-pw"))
        try dir.write("input-pw", "input-pw\n")
        let wrong = try AirlockProcess.run(["import-key-pair", "--key", "enc.pem"], in: dir.url,
                                           environment: password.merging(["AIRLOCK_IMPORT_PASSWORD": "nope"]) { $1 })
        #expect(wrong.isOneLineError && wrong.stderrText.contains("wrong password"), "\(wrong)")
        let noSource = try AirlockProcess.run(["import-key-pair", "--key", "enc.pem"], in: dir.url, environment: password)
        #expect(noSource.isOneLineError && noSource.stderrText.contains("AIRLOCK_IMPORT_PASSWORD"), "\(noSource)")
        #expect(dir.entries == ["enc.pem", "input-pw"])

        let ok = try AirlockProcess.run(["import-key-pair", "--key", "enc.pem", "--input-password-file", "input-pw"],
                                        in: dir.url, environment: password)
        #expect(ok.status == 0, "\(ok)")
        let printed = try AirlockProcess.run(["public-key", "--key", "import-cosign.key"], in: dir.url, environment: password)
        #expect(try PublicKey(pem: printed.stdoutText).derSPKI == (try fixture.publicKeyDER))
    }
}
