import COpenSSL
import Foundation

/// One of the three scrypt parameter sets cosign accepts for key files (FORMATS.md §1.1).
/// Any other triple is refused when parsed, before any memory is committed to the KDF.
public struct ScryptParameters: Sendable, Equatable, CustomStringConvertible {
    public let n: Int
    public let r: Int
    public let p: Int

    /// N=2^15: written by cosign before 2.0.
    public static let legacy = ScryptParameters(checkedN: 32768)
    /// N=2^16: what cosign writes today, and what airlock writes.
    public static let standard = ScryptParameters(checkedN: 65536)
    /// N=2^17: accepted by cosign ("OWASP").
    public static let owasp = ScryptParameters(checkedN: 131072)
    public static let allowed: [ScryptParameters] = [.legacy, .standard, .owasp]

    private init(checkedN: Int) {
        n = checkedN
        r = 8
        p = 1
    }

    /// Accepts only the allow-listed triples, with an error naming the refused values.
    public init(n: Int, r: Int, p: Int) throws {
        guard let match = Self.allowed.first(where: { $0.n == n && $0.r == r && $0.p == p }) else {
            throw CryptoError("unsupported scrypt parameters N=\(n), r=\(r), p=\(p): only N=32768, 65536 or 131072 "
                + "with r=8, p=1 are accepted (cosign's allow-list, which bounds the memory and time a key file can demand)")
        }
        self = match
    }

    public var description: String { "N=\(n), r=\(r), p=\(p)" }

    /// Derives `byteCount` bytes from `password` and `salt` with OpenSSL's scrypt.
    func deriveKey(password: SecureBytes, salt: Data, byteCount: Int) throws -> SecureBytes {
        // 128·r·N bytes of working memory: 128 MiB for the largest allowed N; leave headroom.
        let maxMemory: UInt64 = 256 * 1024 * 1024
        let derived = SecureBytes(zeroedCount: byteCount)
        let status = password.withUnsafeBytes { pass in
            salt.withUnsafeBytes { saltBytes in
                derived.withUnsafeMutableBytes { out in
                    EVP_PBE_scrypt(pass.bindMemory(to: CChar.self).baseAddress, pass.count,
                                   saltBytes.bindMemory(to: UInt8.self).baseAddress, saltBytes.count,
                                   UInt64(n), UInt64(r), UInt64(p), maxMemory,
                                   out.bindMemory(to: UInt8.self).baseAddress, out.count)
                }
            }
        }
        guard status == 1 else { throw CryptoError.openSSL("scrypt key derivation failed") }
        return derived
    }
}
