import AirlockCrypto
import Foundation
import KeyFixtures
import Testing

@Suite struct CosignKeyFileTests {
    let password = SecureBytes(utf8: "correct horse")

    @Test func roundTripWritesCosignShape() throws {
        let key = try PrivateKey.generateP256()
        let file = try CosignKeyFile(encrypting: key, password: password)
        let pem = file.pem
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"))
        #expect(pem.hasSuffix("-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"))
        let bodyLines = pem.split(separator: "\n").dropFirst().dropLast()
        #expect(bodyLines.dropLast().allSatisfy { $0.count == 64 })
        let json = String(decoding: try PEMBlock.first(in: pem).der, as: UTF8.self)
        #expect(json.hasPrefix(#"{"kdf":{"name":"scrypt","params":{"N":65536,"r":8,"p":1},"salt":""#))
        #expect(json.contains(#""},"cipher":{"name":"nacl/secretbox","nonce":""#))
        #expect(json.contains(#""},"ciphertext":""#) && json.hasSuffix(#""}"#))

        let parsed = try CosignKeyFile(pem: pem)
        #expect(parsed == file)
        #expect(try parsed.decrypt(password: password).publicKey == key.publicKey)
        // The ciphertext is the 16-byte tag plus the 138-byte Go-shaped or OpenSSL-shaped PKCS#8.
        #expect(parsed.envelope.ciphertext.count == (try key.pkcs8DER()).count + 16)
    }

    @Test(arguments: ScryptParameters.allowed, CosignKeyFile.Label.allCases)
    func eachAllowedParameterSetAndLabelDecrypts(scrypt: ScryptParameters, label: CosignKeyFile.Label) throws {
        let key = try PrivateKey.generateP256()
        let pem = try CosignKeyFile(encrypting: key, password: password, scrypt: scrypt, label: label).pem
        let parsed = try CosignKeyFile(pem: pem)
        #expect(parsed.envelope.scrypt == scrypt)
        #expect(parsed.label == label)
        #expect(try parsed.decrypt(password: password).publicKey == key.publicKey)
    }

    @Test(arguments: [(1 << 20, 8, 1), (65536, 16, 1), (65536, 8, 2), (16384, 8, 1), (1 << 40, 1 << 20, 64)])
    func disallowedScryptParametersAreRefusedWhenParsed(n: Int, r: Int, p: Int) throws {
        let json = try envelopeJSON(replacing: #""N":65536,"r":8,"p":1"#, with: #""N":\#(n),"r":\#(r),"p":\#(p)"#)
        // Parsing needs no password: the refusal necessarily happens before scrypt could run.
        let error = #expect(throws: CryptoError.self) { try PasswordEnvelope(json: json) }
        #expect(error?.message.contains("unsupported scrypt parameters N=\(n), r=\(r), p=\(p)") == true)
    }

    @Test func wrongPasswordSaysSo() throws {
        let file = try CosignKeyFile(encrypting: try PrivateKey.generateP256(), password: password)
        let error = #expect(throws: CryptoError.self) { try file.decrypt(password: SecureBytes(utf8: "correct horse\n")) }
        #expect(error?.message.hasPrefix("wrong password") == true)
    }

    @Test func emptyPasswordIsAPassword() throws {
        let key = try PrivateKey.generateP256()
        let file = try CosignKeyFile(encrypting: key, password: SecureBytes(utf8: ""))
        #expect(try file.decrypt(password: SecureBytes(utf8: "")).publicKey == key.publicKey)
        #expect(throws: CryptoError.self) { try file.decrypt(password: SecureBytes(utf8: " ")) }
    }

    @Test func truncatedFileIsRefused() throws {
        let pem = try CosignKeyFile(encrypting: try PrivateKey.generateP256(), password: password).pem
        let error = #expect(throws: CryptoError.self) { try CosignKeyFile(pem: String(pem.prefix(pem.count / 2))) }
        #expect(error?.message.contains("truncated") == true)
        // A complete PEM block around a truncated JSON body.
        let json = try PEMBlock.first(in: pem).der
        let cut = PEMBlock(label: CosignKeyFile.Label.sigstore.rawValue, der: json.prefix(json.count - 20)).text
        let jsonError = #expect(throws: CryptoError.self) { try CosignKeyFile(pem: cut) }
        #expect(jsonError?.message.contains("not valid JSON") == true)
    }

    @Test func badBase64IsRefused() throws {
        let pem = try CosignKeyFile(encrypting: try PrivateKey.generateP256(), password: password).pem
        var lines = pem.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[1] = "*" + lines[1].dropFirst()
        let armourError = #expect(throws: CryptoError.self) { try CosignKeyFile(pem: lines.joined(separator: "\n")) }
        #expect(armourError?.message.contains("base64") == true)

        let json = try envelopeJSON(replacing: #""salt":""#, with: #""salt":"%"#)
        let fieldError = #expect(throws: CryptoError.self) { try PasswordEnvelope(json: json) }
        #expect(fieldError?.message.contains("kdf.salt is not valid base64") == true)
    }

    @Test func namesSaltAndNonceSizesAreChecked() throws {
        let base = try envelopeJSON(replacing: "", with: "")
        let text = String(decoding: base, as: UTF8.self)
        let cases: [(String, String, String)] = [
            (#""name":"scrypt""#, #""name":"argon2""#, "unknown kdf name"),
            (#""name":"nacl/secretbox""#, #""name":"aes-gcm""#, "unknown cipher name"),
            (#""salt":""#, #""salt":"AAAA"#, "kdf.salt is 35 bytes"),
            (#""nonce":""#, #""nonce":"AAAA"#, "cipher.nonce is 27 bytes"),
            (#""ciphertext":""#, #""notciphertext":""#, "missing field ciphertext"),
        ]
        for (original, replacement, expected) in cases {
            let json = Data(text.replacingOccurrences(of: original, with: replacement).utf8)
            let error = #expect(throws: CryptoError.self) { try PasswordEnvelope(json: json) }
            #expect(error?.message.contains(expected) == true, "\(expected): \(error?.message ?? "no error")")
        }
    }

    @Test func duplicateKeysAndUnknownFieldsAreRefused() throws {
        // Go keeps the last of duplicate keys and Foundation the first: such a file would mean
        // N=65536 to cosign and N=32768 to a lenient reader. It is refused outright.
        let cases: [(String, String, String)] = [
            (#""N":65536"#, #""N":32768,"N":65536"#, #"duplicate object key "N""#),
            (#""cipher":{"#, #""cipher":{"name":"other","#, #"duplicate object key "name""#),
            (#""p":1"#, #""p":1,"q":1"#, "unknown field kdf.params.q"),
            (#""ciphertext":"#, #""comment":"hi","ciphertext":"#, "unknown field comment"),
            (#""nonce":"#, #""Nonce":"","nonce":"#, "unknown field cipher.Nonce"),
            (#""N":65536"#, #""N":"65536""#, "field kdf.params.N has the wrong type"),
            (#""N":65536"#, #""N":65536.0"#, "field kdf.params.N has the wrong type"),
            (#""kdf":{"#, #""kdf":[],"x":{"#, "unknown field x"),
        ]
        for (original, replacement, expected) in cases {
            let json = try envelopeJSON(replacing: original, with: replacement)
            let error = #expect(throws: CryptoError.self, "\(replacement)") { try PasswordEnvelope(json: json) }
            #expect(error?.message.contains(expected) == true, "\(expected): \(error?.message ?? "no error")")
        }
        #expect(throws: Never.self) { try PasswordEnvelope(json: try envelopeJSON(replacing: "", with: "")) }
    }

    @Test func sec1PlaintextDecryptsButIsRefused() throws {
        var sec1 = try FixtureKey(.ec(curve: "P-256")).traditionalDER
        let envelope = try PasswordEnvelope(sealing: SecureBytes(wiping: &sec1), password: password)
        let file = CosignKeyFile(label: .cosign, envelope: envelope)
        #expect(throws: Never.self) { try file.envelope.open(password: password) }
        let error = #expect(throws: CryptoError.self) { try file.decrypt(password: password) }
        #expect(error?.message.contains("not DER PKCS#8") == true)
    }

    @Test(arguments: [(FixtureKey.Kind.ec(curve: "P-224"), "secp224r1"), (.rsa(bits: 1024), "RSA 1024-bit")])
    func unsupportedKeyInsideIsNamed(kind: FixtureKey.Kind, name: String) throws {
        let pkcs8 = try PEMBlock.first(in: try FixtureKey(kind).pkcs8PEM).der
        var plaintext = [UInt8](pkcs8)
        let envelope = try PasswordEnvelope(sealing: SecureBytes(wiping: &plaintext), password: password, scrypt: .legacy)
        let error = #expect(throws: CryptoError.self) {
            try CosignKeyFile(label: .sigstore, envelope: envelope).decrypt(password: password)
        }
        #expect(error?.message.contains("unsupported key type") == true && error?.message.contains(name) == true,
                "\(error?.message ?? "")")
    }

    @Test func plainPrivateKeyPEMIsNotAKeyFile() throws {
        let error = #expect(throws: CryptoError.self) {
            try CosignKeyFile(pem: try FixtureKey(.ec(curve: "P-256")).pkcs8PEM)
        }
        #expect(error?.message.contains("import-key-pair") == true)
    }

    /// The envelope JSON of one N=65536 key file, made once: the tests using it only parse it.
    private static let sampleEnvelopeText = Result {
        let file = try CosignKeyFile(encrypting: try PrivateKey.generateP256(), password: SecureBytes(utf8: "correct horse"))
        return String(decoding: file.envelope.json, as: UTF8.self)
    }

    /// The JSON of the sample N=65536 key file with one textual substitution.
    private func envelopeJSON(replacing original: String, with replacement: String) throws -> Data {
        let text = try Self.sampleEnvelopeText.get()
        guard original.isEmpty || text.contains(original) else { throw CryptoError("test setup: \(original) not found") }
        return Data((original.isEmpty ? text : text.replacingOccurrences(of: original, with: replacement)).utf8)
    }
}
