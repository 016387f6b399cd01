import COpenSSL
import CSodium
import Foundation

/// A private key that signs; its secret bytes never leave this module except as
/// wiped `SecureBytes`.
public final class PrivateKey: @unchecked Sendable {
    let key: EVPKey
    public let publicKey: PublicKey

    init(key: EVPKey) throws {
        self.key = key
        self.publicKey = try PublicKey(key: key)
    }

    public var algorithm: KeyAlgorithm { publicKey.algorithm }

    /// The digest OpenSSL signs certificates and timestamps with for this key: the default
    /// scheme's hash for ECDSA and RSA, none (nil) for Ed25519.
    var defaultSigningDigest: OpaquePointer? { algorithm.defaultScheme.hash?.evpMD }

    /// A fresh ECDSA P-256 key, the only kind `generate-key-pair` makes.
    public static func generateP256() throws -> PrivateKey {
        guard let pointer = airlock_evp_ec_gen("P-256") else {
            throw CryptoError.openSSL("cannot generate an ECDSA P-256 key")
        }
        return try PrivateKey(key: EVPKey(pointer))
    }

    /// Parses DER PKCS#8 `PrivateKeyInfo` (unencrypted), and nothing else.
    public convenience init(pkcs8DER der: SecureBytes) throws {
        try self.init(key: EVPKey.parsePKCS8(der))
    }

    /// DER PKCS#8 `PrivateKeyInfo`, in wiped memory.
    public func pkcs8DER() throws -> SecureBytes {
        guard let info = EVP_PKEY2PKCS8(key.pointer) else { throw CryptoError.openSSL("cannot encode the key as PKCS#8") }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_PKCS8_PRIV_KEY_INFO(info, &buffer)
        guard length > 0, let buffer else { throw CryptoError.openSSL("cannot encode the key as PKCS#8") }
        defer {
            OPENSSL_cleanse(buffer, Int(length))
            airlock_openssl_free(buffer)
        }
        return SecureBytes(copying: UnsafeRawBufferPointer(start: buffer, count: Int(length)))
    }

    /// Signs `message` with `scheme` (by default the key's own, FORMATS.md §1.6).
    public func sign(_ message: Data, scheme: SignatureScheme? = nil) throws -> Data {
        let scheme = scheme ?? algorithm.defaultScheme
        guard scheme.fits(algorithm) else { throw CryptoError("\(scheme) cannot sign with a \(algorithm) key") }
        if scheme == .ed25519ph { return try ed25519phSign(message) }
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.openSSL("out of memory") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, scheme.hash?.evpMD, nil, key.pointer) == 1 else {
            throw CryptoError.openSSL("cannot start a \(scheme) signature")
        }
        var length = 0
        let sized = message.withUnsafeBytes { msg in
            EVP_DigestSign(context, nil, &length, msg.bindMemory(to: UInt8.self).baseAddress, msg.count)
        }
        guard sized == 1 else { throw CryptoError.openSSL("cannot size a \(scheme) signature") }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = message.withUnsafeBytes { msg in
            EVP_DigestSign(context, &signature, &length, msg.bindMemory(to: UInt8.self).baseAddress, msg.count)
        }
        guard signed == 1 else { throw CryptoError.openSSL("\(scheme) signing failed") }
        return Data(signature[0..<length])
    }

    private func ed25519phSign(_ message: Data) throws -> Data {
        var seed = [UInt8](repeating: 0, count: 32)
        var seedLength = 32
        defer { sodium_memzero(&seed, seed.count) }
        guard EVP_PKEY_get_raw_private_key(key.pointer, &seed, &seedLength) == 1, seedLength == 32 else {
            throw CryptoError.openSSL("cannot read the Ed25519 private key")
        }
        var publicKey = [UInt8](repeating: 0, count: 32)
        var secretKey = [UInt8](repeating: 0, count: 64)
        defer { sodium_memzero(&secretKey, secretKey.count) }
        guard crypto_sign_ed25519_seed_keypair(&publicKey, &secretKey, seed) == 0 else {
            throw CryptoError("cannot expand the Ed25519 key")
        }
        var state = crypto_sign_ed25519ph_state()
        crypto_sign_ed25519ph_init(&state)
        message.withUnsafeBytes { msg in
            _ = crypto_sign_ed25519ph_update(&state, msg.bindMemory(to: UInt8.self).baseAddress, UInt64(msg.count))
        }
        var signature = [UInt8](repeating: 0, count: 64)
        guard crypto_sign_ed25519ph_final_create(&state, &signature, nil, secretKey) == 0 else {
            throw CryptoError("Ed25519ph signing failed")
        }
        return Data(signature)
    }
}
