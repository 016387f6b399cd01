import AirlockCrypto
import Foundation
import Testing

/// Key files made by cosign's and go-securesystemslib's own Go code, from ../shared when present.
@Suite(.enabled(if: ThirdPartyVectors.file != nil, "shared/oracles/vectors/third_party_vectors.json is absent"))
struct ThirdPartyVectorTests {
    @Test func cosignKeysDecryptAndSEC1IsRefused() throws {
        let vectors = try ThirdPartyVectors.decode()
        #expect(vectors.keys.count == 3)
        for vector in vectors.keys {
            let file = try CosignKeyFile(pem: vector.pem)
            #expect(file.label.rawValue == vector.label)
            #expect(file.envelope.scrypt.n == vector.scryptN)
            let password = SecureBytes(utf8: vector.password)
            if vector.pkcs8Parses {
                #expect(try file.decrypt(password: password).algorithm == .ecdsaP256, "\(vector.name)")
            } else {
                let error = #expect(throws: CryptoError.self, "\(vector.name)") { try file.decrypt(password: password) }
                #expect(error?.message.contains("not DER PKCS#8") == true)
            }
            #expect(throws: CryptoError.self) { try file.decrypt(password: SecureBytes(utf8: "hello\n")) }
        }
    }

    @Test func securesystemslibEnvelopesOpen() throws {
        let vectors = try ThirdPartyVectors.decode()
        #expect(!vectors.envelopes.isEmpty)
        for vector in vectors.envelopes {
            let envelope = try PasswordEnvelope(json: Data(vector.envelope.utf8))
            let plaintext = try envelope.open(password: SecureBytes(utf8: vector.password))
            #expect(plaintext.withUnsafeBytes { Data($0) } == Data(vector.plaintext.utf8), "\(vector.name)")
        }
        for vector in vectors.rejectedEnvelopes {
            let error = #expect(throws: CryptoError.self) { try PasswordEnvelope(json: Data(vector.envelope.utf8)) }
            #expect(error?.message.contains(vector.expectError) == true)
        }
    }
}

struct ThirdPartyVectors: Decodable {
    struct Key: Decodable {
        let name, label, password, pem: String
        let scryptN: Int
        let pkcs8Parses: Bool
        enum CodingKeys: String, CodingKey {
            case name, label, password, pem, scryptN = "scrypt_N", pkcs8Parses = "pkcs8_parses"
        }
    }
    struct Envelope: Decodable {
        let name, password, plaintext, envelope: String
    }
    struct Rejected: Decodable {
        let name, password, envelope, expectError: String
        enum CodingKeys: String, CodingKey {
            case name, password, envelope, expectError = "expect_error"
        }
    }
    let keys: [Key]
    let envelopes: [Envelope]
    let rejectedEnvelopes: [Rejected]
    enum CodingKeys: String, CodingKey {
        case keys, envelopes, rejectedEnvelopes = "rejected_envelopes"
    }

    /// `$SHARED/oracles/vectors/…`, else `../shared/…` beside the package root; nil when absent.
    static var file: URL? {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shared = ProcessInfo.processInfo.environment["SHARED"].map { URL(fileURLWithPath: $0) }
            ?? packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        let file = shared.appendingPathComponent("oracles/vectors/third_party_vectors.json")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }

    static func decode() throws -> ThirdPartyVectors {
        let file = try #require(file)
        return try JSONDecoder().decode(ThirdPartyVectors.self, from: Data(contentsOf: file))
    }
}
