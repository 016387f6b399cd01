import COpenSSL
import Foundation

/// A private key generated directly with OpenSSL, outside airlock's code, and written in the
/// PEM formats other tools produce, so tests can feed `import-key-pair` real foreign input.
public final class FixtureKey: @unchecked Sendable {
    public enum Kind: Sendable {
        case ec(curve: String)
        case rsa(bits: Int)
        case ed25519
        case x25519
        case dsa(bits: Int)
    }

    private let pointer: OpaquePointer

    public init(_ kind: Kind) throws {
        switch kind {
        case .ec(let curve):
            pointer = try Self.generate("EC") { EVP_PKEY_CTX_set_group_name($0, curve) }
        case .rsa(let bits):
            pointer = try Self.generate("RSA") { EVP_PKEY_CTX_set_rsa_keygen_bits($0, Int32(bits)) }
        case .ed25519:
            pointer = try Self.generate("ED25519") { _ in 1 }
        case .x25519:
            pointer = try Self.generate("X25519") { _ in 1 }
        case .dsa(let bits):
            pointer = try Self.generateDSA(bits: bits)
        }
    }

    deinit { EVP_PKEY_free(pointer) }

    /// `PRIVATE KEY` (unencrypted PKCS#8).
    public var pkcs8PEM: String {
        get throws { try Self.pem { PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil) } }
    }

    /// The algorithm's own structure: `EC PRIVATE KEY` (SEC1), `RSA PRIVATE KEY` (PKCS#1), ...
    public var traditionalPEM: String {
        get throws { try Self.pem { PEM_write_bio_PrivateKey_traditional($0, pointer, nil, nil, 0, nil, nil) } }
    }

    /// Traditional PEM encrypted with OpenSSL's legacy `Proc-Type`/`DEK-Info` headers.
    public func legacyEncryptedPEM(password: String) throws -> String {
        try Self.pem { bio in
            password.withCString { pass in
                PEM_write_bio_PrivateKey_traditional(bio, pointer, EVP_aes_256_cbc(), nil, 0, nil,
                                                     UnsafeMutableRawPointer(mutating: pass))
            }
        }
    }

    /// `ENCRYPTED PRIVATE KEY`: PKCS#8 with PBES2 (AES-256-CBC).
    public func encryptedPKCS8PEM(password: String) throws -> String {
        try Self.pem { bio in
            PEM_write_bio_PKCS8PrivateKey(bio, pointer, EVP_aes_256_cbc(), password, Int32(password.utf8.count), nil, nil)
        }
    }

    /// `ENCRYPTED PRIVATE KEY` with the legacy PKCS#12 scheme (PBES1, SHA-1 and 3DES).
    public func pbes1EncryptedPKCS8PEM(password: String) throws -> String {
        try Self.pem { bio in
            PEM_write_bio_PKCS8PrivateKey_nid(bio, pointer, NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
                                              password, Int32(password.utf8.count), nil, nil)
        }
    }

    /// DER of the algorithm's own structure (SEC1 for EC keys).
    public var traditionalDER: [UInt8] {
        get throws {
            var buffer: UnsafeMutablePointer<UInt8>?
            let length = i2d_PrivateKey(pointer, &buffer)
            guard length > 0, let buffer else { throw FixtureError("i2d_PrivateKey failed") }
            defer { airlock_openssl_free(buffer) }
            return Array(UnsafeBufferPointer(start: buffer, count: Int(length)))
        }
    }

    /// DER SubjectPublicKeyInfo of the public half.
    public var publicKeyDER: Data {
        get throws {
            var buffer: UnsafeMutablePointer<UInt8>?
            let length = i2d_PUBKEY(pointer, &buffer)
            guard length > 0, let buffer else { throw FixtureError("i2d_PUBKEY failed") }
            defer { airlock_openssl_free(buffer) }
            return Data(bytes: buffer, count: Int(length))
        }
    }

    private static func generate(_ name: String, configure: (OpaquePointer) -> Int32) throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_from_name(nil, name, nil) else { throw FixtureError("no \(name) support") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, configure(context) == 1,
              EVP_PKEY_generate(context, &key) == 1, let key else {
            throw FixtureError("cannot generate a \(name) key")
        }
        return key
    }

    private static func generateDSA(bits: Int) throws -> OpaquePointer {
        guard let paramContext = EVP_PKEY_CTX_new_from_name(nil, "DSA", nil) else { throw FixtureError("no DSA support") }
        defer { EVP_PKEY_CTX_free(paramContext) }
        var parameters: OpaquePointer?
        guard EVP_PKEY_paramgen_init(paramContext) == 1,
              EVP_PKEY_CTX_set_dsa_paramgen_bits(paramContext, Int32(bits)) == 1,
              EVP_PKEY_generate(paramContext, &parameters) == 1, let parameters else {
            throw FixtureError("cannot generate DSA parameters")
        }
        defer { EVP_PKEY_free(parameters) }
        guard let keyContext = EVP_PKEY_CTX_new_from_pkey(nil, parameters, nil) else { throw FixtureError("no DSA context") }
        defer { EVP_PKEY_CTX_free(keyContext) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(keyContext) == 1, EVP_PKEY_generate(keyContext, &key) == 1, let key else {
            throw FixtureError("cannot generate a DSA key")
        }
        return key
    }

    private static func pem(_ write: (OpaquePointer) -> Int32) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw FixtureError("BIO_new failed") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw FixtureError("PEM encoding failed") }
        var start: UnsafeMutablePointer<CChar>?
        let length = airlock_bio_get_mem_data(bio, &start)
        guard length > 0, let start else { throw FixtureError("empty PEM output") }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: length), as: UTF8.self)
    }
}

/// A fixture could not be made (an OpenSSL call failed).
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
