import COpenSSL
import CSodium
import Foundation

/// NaCl `secretbox` (XSalsa20-Poly1305) from libsodium. Sealed bytes are the 16-byte
/// Poly1305 tag followed by the encrypted plaintext, as in cosign key files.
enum SecretBox {
    static let keyByteCount = Int(crypto_secretbox_KEYBYTES)
    static let nonceByteCount = Int(crypto_secretbox_NONCEBYTES)
    static let tagByteCount = Int(crypto_secretbox_MACBYTES)

    /// libsodium must be initialised once before use; `sodium_init` is idempotent and thread-safe.
    private static let sodiumReady: Bool = sodium_init() >= 0

    static func seal(_ plaintext: SecureBytes, key: SecureBytes, nonce: Data) throws -> Data {
        try checkSizes(key: key, nonce: nonce)
        var sealed = [UInt8](repeating: 0, count: plaintext.count + tagByteCount)
        let nonceBytes = [UInt8](nonce)
        let status = plaintext.withUnsafeBytes { message in
            key.withUnsafeBytes { keyBytes in
                crypto_secretbox_easy(&sealed, message.bindMemory(to: UInt8.self).baseAddress, UInt64(message.count),
                                      nonceBytes, keyBytes.bindMemory(to: UInt8.self).baseAddress!)
            }
        }
        guard status == 0 else { throw CryptoError("secretbox encryption failed") }
        return Data(sealed)
    }

    /// Opens `sealed`; `nil` when the Poly1305 tag does not match (wrong key or altered bytes).
    static func open(_ sealed: Data, key: SecureBytes, nonce: Data) throws -> SecureBytes? {
        try checkSizes(key: key, nonce: nonce)
        guard sealed.count >= tagByteCount else {
            throw CryptoError("secretbox ciphertext is \(sealed.count) bytes, shorter than its \(tagByteCount)-byte tag")
        }
        let plaintext = SecureBytes(zeroedCount: sealed.count - tagByteCount)
        let box = [UInt8](sealed)
        let nonceBytes = [UInt8](nonce)
        let status = key.withUnsafeBytes { keyBytes in
            plaintext.withUnsafeMutableBytes { out in
                crypto_secretbox_open_easy(out.bindMemory(to: UInt8.self).baseAddress, box, UInt64(box.count),
                                           nonceBytes, keyBytes.bindMemory(to: UInt8.self).baseAddress!)
            }
        }
        return status == 0 ? plaintext : nil
    }

    /// Also guarantees the non-nil base addresses used above (SecureBytes always allocates).
    private static func checkSizes(key: SecureBytes, nonce: Data) throws {
        guard sodiumReady else { throw CryptoError("libsodium could not be initialised") }
        guard key.count == keyByteCount else { throw CryptoError("secretbox key must be \(keyByteCount) bytes") }
        guard nonce.count == nonceByteCount else {
            throw CryptoError("secretbox nonce is \(nonce.count) bytes, expected \(nonceByteCount)")
        }
    }
}

/// Random bytes from OpenSSL's CSPRNG.
enum RandomBytes {
    static func make(_ count: Int) throws -> Data {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { throw CryptoError.openSSL("the random generator failed") }
        return Data(bytes)
    }
}
