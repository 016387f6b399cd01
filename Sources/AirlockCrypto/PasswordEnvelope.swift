import AirlockJSON
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
    /// The envelope JSON: the ciphertext in base64 plus a few hundred bytes.
    static let maxJSONByteCount = 128 * 1024

    /// Parses and checks the JSON: kdf name, allow-listed scrypt parameters, 32-byte salt,
    /// cipher name, 24-byte nonce, ciphertext at least one tag long. The syntax is checked by
    /// the strict parser: duplicate keys (Go keeps the last, Foundation the first) and unknown
    /// fields are refused, so the file cannot mean one thing to cosign and another here.
    public init(json: Data) throws {
        let document: JSONValue
        do {
            document = try JSONValue.parse(json, limits: JSONLimits(maxBytes: Self.maxJSONByteCount, maxDepth: 8))
        } catch {
            if case .duplicateKey = error.reason { throw CryptoError("key file envelope: \(error)") }
            throw CryptoError("key file envelope: not valid JSON (\(error))")
        }
        let envelope = try Fields(document, path: nil, names: ["kdf", "cipher", "ciphertext"])
        let kdf = try envelope.object("kdf", names: ["name", "params", "salt"])
        let params = try kdf.object("params", names: ["N", "r", "p"])
        let cipher = try envelope.object("cipher", names: ["name", "nonce"])
        let kdfName = try kdf.string("name")
        guard kdfName == "scrypt" else {
            throw CryptoError("key file envelope: unknown kdf name \"\(kdfName.prefix(40))\" (expected scrypt)")
        }
        scrypt = try ScryptParameters(n: try params.integer("N"), r: try params.integer("r"), p: try params.integer("p"))
        salt = try Self.base64(try kdf.string("salt"), field: "kdf.salt")
        guard salt.count == Self.saltByteCount else {
            throw CryptoError("key file envelope: kdf.salt is \(salt.count) bytes, expected \(Self.saltByteCount)")
        }
        let cipherName = try cipher.string("name")
        guard cipherName == "nacl/secretbox" else {
            throw CryptoError("key file envelope: unknown cipher name \"\(cipherName.prefix(40))\" (expected nacl/secretbox)")
        }
        nonce = try Self.base64(try cipher.string("nonce"), field: "cipher.nonce")
        guard nonce.count == SecretBox.nonceByteCount else {
            throw CryptoError("key file envelope: cipher.nonce is \(nonce.count) bytes, expected \(SecretBox.nonceByteCount)")
        }
        ciphertext = try Self.base64(try envelope.string("ciphertext"), field: "ciphertext")
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

    /// The members of one envelope object: exactly `names`, each once (the parser already
    /// refused duplicates), read with Go's types (strings, integers, objects).
    private struct Fields {
        let path: String?
        let members: [String: JSONValue]

        init(_ value: JSONValue, path: String?, names: Set<String>) throws {
            guard let object = value.objectValue else {
                throw CryptoError("key file envelope: \(path.map { "field \($0) has the wrong type" } ?? "not a JSON object")")
            }
            self.path = path
            members = Dictionary(object.map { ($0.key, $0.value) }) { first, _ in first }
            for name in names.sorted() where members[name] == nil {
                throw CryptoError("key file envelope: missing field \(qualified(name))")
            }
            if let unknown = object.first(where: { !names.contains($0.key) }) {
                throw CryptoError("key file envelope: unknown field \(qualified(String(unknown.key.prefix(40))))")
            }
        }

        func qualified(_ name: String) -> String { path.map { "\($0).\(name)" } ?? name }

        func object(_ name: String, names: Set<String>) throws -> Fields {
            try Fields(members[name] ?? .null, path: qualified(name), names: names)
        }

        func string(_ name: String) throws -> String {
            guard let text = members[name]?.stringValue else { throw wrongType(name) }
            return text
        }

        func integer(_ name: String) throws -> Int {
            guard let value = members[name]?.int64Value, let integer = Int(exactly: value) else { throw wrongType(name) }
            return integer
        }

        private func wrongType(_ name: String) -> CryptoError {
            CryptoError("key file envelope: field \(qualified(name)) has the wrong type")
        }
    }

    private static func base64(_ text: String, field: String) throws -> Data {
        guard let data = Data(base64Encoded: text) else {
            throw CryptoError("key file envelope: \(field) is not valid base64")
        }
        return data
    }
}
