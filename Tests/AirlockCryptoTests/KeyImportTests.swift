import AirlockCrypto
import Foundation
import KeyFixtures
import Testing

@Suite struct KeyImportTests {
    private func importing(_ pem: String, password: String? = nil) throws -> PrivateKey {
        try PrivateKey(importingPEM: SecureBytes(utf8: pem)) {
            guard let password else { throw CryptoError("test: no password expected") }
            return SecureBytes(utf8: password)
        }
    }

    @Test(arguments: [FixtureKey.Kind.ec(curve: "P-256"), .ec(curve: "P-384"), .ec(curve: "P-521"),
                      .rsa(bits: 2048), .ed25519])
    func pkcs8Imports(kind: FixtureKey.Kind) throws {
        let fixture = try FixtureKey(kind)
        let key = try importing(try fixture.pkcs8PEM)
        #expect(key.publicKey.derSPKI == (try fixture.publicKeyDER))
    }

    @Test(arguments: [FixtureKey.Kind.ec(curve: "P-256"), .ec(curve: "P-521"), .rsa(bits: 2048)])
    func traditionalFormatsImport(kind: FixtureKey.Kind) throws {
        let fixture = try FixtureKey(kind)
        let pem = try fixture.traditionalPEM
        #expect(pem.hasPrefix("-----BEGIN EC PRIVATE KEY-----") || pem.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        let key = try importing(pem)
        #expect(key.publicKey.derSPKI == (try fixture.publicKeyDER))
        // Re-encoded as PKCS#8, the key survives a cosign key file round trip.
        let password = SecureBytes(utf8: "pw")
        let file = try CosignKeyFile(encrypting: key, password: password)
        #expect(try CosignKeyFile(pem: file.pem).decrypt(password: password).publicKey == key.publicKey)
    }

    @Test func ed25519ImportSignsPure() throws {
        let fixture = try FixtureKey(.ed25519)
        let key = try importing(try fixture.pkcs8PEM)
        #expect(key.algorithm == .ed25519)
        let message = Data("m".utf8)
        #expect(key.publicKey.isValidSignature(try key.sign(message), for: message, scheme: .ed25519))
    }

    @Test func encryptedPKCS8AsksForItsPassword() throws {
        let fixture = try FixtureKey(.ec(curve: "P-384"))
        let pem = try fixture.encryptedPKCS8PEM(password: "input secret")
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        var asked = 0
        let key = try PrivateKey(importingPEM: SecureBytes(utf8: pem)) {
            asked += 1
            return SecureBytes(utf8: "input secret")
        }
        #expect(asked == 1)
        #expect(key.publicKey.derSPKI == (try fixture.publicKeyDER))
        let error = #expect(throws: CryptoError.self) { try importing(pem, password: "input secreT") }
        #expect(error?.message.hasPrefix("wrong password") == true)
    }

    @Test func legacyEncryptionSchemesAreRefused() throws {
        let fixture = try FixtureKey(.ec(curve: "P-256"))
        let pbes1 = #expect(throws: CryptoError.self) {
            try importing(try fixture.pbes1EncryptedPKCS8PEM(password: "pw"), password: "pw")
        }
        #expect(pbes1?.message.contains("PBES2") == true)
        let headers = #expect(throws: CryptoError.self) {
            try importing(try fixture.legacyEncryptedPEM(password: "pw"), password: "pw")
        }
        #expect(headers?.message.contains("headers") == true)
    }

    @Test(arguments: [
        (FixtureKey.Kind.rsa(bits: 1024), "RSA 1024-bit"),
        (.rsa(bits: 2560), "RSA 2560-bit"),
        (.ec(curve: "P-224"), "secp224r1"),
        (.x25519, "X25519"),
        (.dsa(bits: 1024), "DSA"),
    ])
    func unsupportedKeyTypesAreNamed(kind: FixtureKey.Kind, name: String) throws {
        let pem = try FixtureKey(kind).pkcs8PEM
        let error = #expect(throws: CryptoError.self) { try importing(pem) }
        #expect(error?.message.contains("unsupported key type") == true)
        #expect(error?.message.contains(name) == true, "\(error?.message ?? "")")
    }

    @Test func otherBlocksAreRefused() throws {
        let openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"
        let error = #expect(throws: CryptoError.self) { try importing(openssh) }
        #expect(error?.message.contains("unsupported private key PEM block \"OPENSSH PRIVATE KEY\"") == true)
        #expect(throws: CryptoError.self) { try importing("not a key at all\n") }

        // A PKCS#8 body under the SEC1 label is not SEC1.
        let pkcs8 = try FixtureKey(.ec(curve: "P-256")).pkcs8PEM
        let relabelled = pkcs8.replacingOccurrences(of: "PRIVATE KEY", with: "EC PRIVATE KEY")
        #expect(throws: CryptoError.self) { try importing(relabelled) }
    }

    @Test func onlyTheFirstBlockIsRead() throws {
        let first = try FixtureKey(.ec(curve: "P-256"))
        let second = try FixtureKey(.ec(curve: "P-256"))
        let key = try importing("leading text\n" + (try first.pkcs8PEM) + (try second.pkcs8PEM))
        #expect(key.publicKey.derSPKI == (try first.publicKeyDER))
    }
}
