import AirlockCrypto
import Foundation
import Testing

@Suite struct DigestTests {
    @Test func sha256OfKnownInput() {
        // FIPS 180-2 test vector "abc".
        #expect(Digest.of(Data("abc".utf8)).description
            == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func streamingEqualsOneShot() {
        let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let stream = DigestStream(.sha512)
        stream.update(data.prefix(333))
        stream.update(data.dropFirst(333))
        #expect(stream.finish() == Digest.of(data, algorithm: .sha512))
    }

    @Test func parsesAndRejects() throws {
        let text = "sha256:" + String(repeating: "ab", count: 32)
        #expect(try Digest(parsing: text).description == text)
        #expect(throws: CryptoError.self) { try Digest(parsing: "md5:" + String(repeating: "ab", count: 16)) }
        #expect(throws: CryptoError.self) { try Digest(parsing: "sha256:" + String(repeating: "AB", count: 32)) }
        #expect(throws: CryptoError.self) { try Digest(parsing: "sha256:abc") }
        #expect(throws: CryptoError.self) { try Digest(parsing: String(repeating: "ab", count: 32)) }
    }
}

@Suite struct SignatureTests {
    @Test func p256SignVerifyRoundTrip() throws {
        let key = try PrivateKey.generateP256()
        let message = Data("payload".utf8)
        let signature = try key.sign(message)
        #expect(key.publicKey.algorithm == .ecdsaP256)
        #expect(key.publicKey.isValidSignature(signature, for: message, scheme: .ecdsa(.sha256)))
        #expect(!key.publicKey.isValidSignature(signature, for: Data("other".utf8), scheme: .ecdsa(.sha256)))
        let digest = Digest.of(message).bytes
        #expect(key.publicKey.isValidSignature(signature, forDigest: digest, scheme: .ecdsa(.sha256)))
        #expect(!key.publicKey.isValidSignature(Data(signature.dropLast()), for: message, scheme: .ecdsa(.sha256)))
    }

    @Test func publicKeyPEMRoundTrip() throws {
        let key = try PrivateKey.generateP256()
        let parsed = try PublicKey(pem: key.publicKey.pem)
        #expect(parsed == key.publicKey)
        #expect(key.publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(key.publicKey.bundleHint.count == 44)
    }

    @Test func pkcs8RoundTrip() throws {
        let key = try PrivateKey.generateP256()
        let again = try PrivateKey(pkcs8DER: key.pkcs8DER())
        #expect(again.publicKey == key.publicKey)
    }

    @Test func otherKeyDoesNotVerify() throws {
        let one = try PrivateKey.generateP256()
        let two = try PrivateKey.generateP256()
        let message = Data("m".utf8)
        #expect(!two.publicKey.isValidSignature(try one.sign(message), for: message, scheme: .ecdsa(.sha256)))
    }
}

@Suite struct PEMTests {
    @Test func crlfLineEndingsParseLikeLF() throws {
        let key = try PrivateKey.generateP256()
        let crlf = key.publicKey.pem.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try PublicKey(pem: crlf) == key.publicKey)
        #expect(try PEMBlock.parseAll("notes\r\n" + crlf + "\r\n" + key.publicKey.pem).count == 2)
    }

    @Test func truncatedBlockIsAnError() throws {
        let pem = try PrivateKey.generateP256().publicKey.pem
        let cut = String(pem.prefix(pem.count - 30))
        #expect(throws: CryptoError.self) { try PEMBlock.parseAll(cut) }
    }
}
