import Foundation

/// The go-securesystemslib `encrypted` JSON envelope inside a cosign key file: a
/// scrypt-derived key and NaCl secretbox (FORMATS.md §1.1). Everything is validated when
/// parsed, so a hostile envelope is refused before scrypt runs.
public struct PasswordEnvelope: Sendable, Equatable {
    public let scrypt: ScryptParameters
    public let salt: Data
    public let nonce: Data
    /// Poly1305 tag followed by the encrypted plaintext.
    public let ciphertext: Data

    static let saltByteCount = 32
    /// Far above any PKCS#8 key cosign handles (RSA 4096 is about 2.4 KB).
    static let maxCiphertextByteCount = 64 * 1024

    /// Parses and checks the JSON: kdf name, allow-listed scrypt parameters, 32-byte salt,
    /// cipher name, 24-byte nonce, ciphertext at least one tag long.
    public init(json: Data) throws {
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: json)
        } catch let error as DecodingError {
            throw CryptoError("key file envelope: \(Self.explain(error))")
        }
        guard fields.kdf.name == "scrypt" else {
            throw CryptoError("key file envelope: unknown kdf name \"\(fields.kdf.name.prefix(40))\" (expected scrypt)")
        }
        scrypt = try ScryptParameters(n: fields.kdf.params.n, r: fields.kdf.params.r, p: fields.kdf.params.p)
        salt = try Self.base64(fields.kdf.salt, field: "kdf.salt")
        guard salt.count == Self.saltByteCount else {
            throw CryptoError("key file envelope: kdf.salt is \(salt.count) bytes, expected \(Self.saltByteCount)")
        }
        guard fields.cipher.name == "nacl/secretbox" else {
            throw CryptoError("key file envelope: unknown cipher name \"\(fields.cipher.name.prefix(40))\" (expected nacl/secretbox)")
        }
        nonce = try Self.base64(fields.cipher.nonce, field: "cipher.nonce")
        guard nonce.count == SecretBox.nonceByteCount else {
            throw CryptoError("key file envelope: cipher.nonce is \(nonce.count) bytes, expected \(SecretBox.nonceByteCount)")
        }
        ciphertext = try Self.base64(fields.ciphertext, field: "ciphertext")
        guard ciphertext.count >= SecretBox.tagByteCount, ciphertext.count <= Self.maxCiphertextByteCount else {
            throw CryptoError("key file envelope: ciphertext is \(ciphertext.count) bytes, expected "
                + "\(SecretBox.tagByteCount)...\(Self.maxCiphertextByteCount)")
        }
    }

    /// Encrypts `plaintext` under `password` with a fresh salt and nonce.
    public init(sealing plaintext: SecureBytes, password: SecureBytes, scrypt: ScryptParameters = .standard) throws {
        self.scrypt = scrypt
        salt = try RandomBytes.make(Self.saltByteCount)
        nonce = try RandomBytes.make(SecretBox.nonceByteCount)
        let key = try scrypt.deriveKey(password: password, salt: salt, byteCount: SecretBox.keyByteCount)
        ciphertext = try SecretBox.seal(plaintext, key: key, nonce: nonce)
    }

    /// Runs scrypt once and opens the box; "wrong password" when the Poly1305 tag fails.
    public func open(password: SecureBytes) throws -> SecureBytes {
        let key = try scrypt.deriveKey(password: password, salt: salt, byteCount: SecretBox.keyByteCount)
        guard let plaintext = try SecretBox.open(ciphertext, key: key, nonce: nonce) else {
            throw CryptoError("wrong password (the authentication tag of the key file does not match)")
        }
        return plaintext
    }

    /// Compact JSON with Go's field order, as cosign writes it.
    public var json: Data {
        let text = #"{"kdf":{"name":"scrypt","params":{"N":\#(scrypt.n),"r":\#(scrypt.r),"p":\#(scrypt.p)},"#
            + #""salt":"\#(salt.base64EncodedString())"},"#
            + #""cipher":{"name":"nacl/secretbox","nonce":"\#(nonce.base64EncodedString())"},"#
            + #""ciphertext":"\#(ciphertext.base64EncodedString())"}"#
        return Data(text.utf8)
    }

    private struct Fields: Decodable {
        struct KDF: Decodable {
            struct Params: Decodable {
                enum CodingKeys: String, CodingKey {
                    case n = "N", r, p
                }
                let n: Int
                let r: Int
                let p: Int
            }
            let name: String
            let params: Params
            let salt: String
        }
        struct Cipher: Decodable {
            let name: String
            let nonce: String
        }
        let kdf: KDF
        let cipher: Cipher
        let ciphertext: String
    }

    private static func base64(_ text: String, field: String) throws -> Data {
        guard let data = Data(base64Encoded: text) else {
            throw CryptoError("key file envelope: \(field) is not valid base64")
        }
        return data
    }

    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ last: CodingKey? = nil) -> String {
            (context.codingPath + (last.map { [$0] } ?? [])).map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \(path(context, key))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "field \(path(context)) has the wrong type"
        case .dataCorrupted(let context) where context.codingPath.isEmpty: return "not valid JSON"
        case .dataCorrupted(let context): return "field \(path(context)) is malformed"
        @unknown default: return "not a valid envelope"
        }
    }
}
