import COpenSSL
import Foundation

/// Owns one `EVP_PKEY`; the single place it is freed.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_PKEY_free(pointer) }

    /// The key's algorithm and size, or an error naming what is unsupported.
    func algorithm() throws -> KeyAlgorithm {
        switch EVP_PKEY_get_base_id(pointer) {
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_utf8_string_param(pointer, OSSL_PKEY_PARAM_GROUP_NAME, &name, name.count, &length) == 1 else {
                throw CryptoError.openSSL("cannot read the curve of an EC key")
            }
            let curve = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            switch curve {
            case "prime256v1", "P-256": return .ecdsaP256
            case "secp384r1", "P-384": return .ecdsaP384
            case "secp521r1", "P-521": return .ecdsaP521
            default: throw CryptoError("unsupported key type: ECDSA on curve \(curve) (P-256, P-384 and P-521 are supported)")
            }
        case EVP_PKEY_RSA:
            return .rsa(bits: Int(EVP_PKEY_get_bits(pointer)))
        case EVP_PKEY_ED25519:
            return .ed25519
        default:
            let name = EVP_PKEY_get0_type_name(pointer).map { String(cString: $0) } ?? "unknown"
            throw CryptoError("unsupported key type \(name) (ECDSA, RSA and Ed25519 are supported)")
        }
    }

    /// DER SubjectPublicKeyInfo of the public half.
    func publicKeyDER() throws -> Data {
        try ASN1.der("cannot encode a public key") { i2d_PUBKEY(pointer, &$0) }
    }
}

/// The algorithm of a key, with its size where it has one.
public enum KeyAlgorithm: Sendable, Equatable, CustomStringConvertible {
    case ecdsaP256
    case ecdsaP384
    case ecdsaP521
    case rsa(bits: Int)
    case ed25519

    public var description: String {
        switch self {
        case .ecdsaP256: "ECDSA P-256"
        case .ecdsaP384: "ECDSA P-384"
        case .ecdsaP521: "ECDSA P-521"
        case .rsa(let bits): "RSA \(bits)"
        case .ed25519: "Ed25519"
        }
    }

    /// cosign's "good key" rule for keys it imports and signs with (FORMATS.md §1.5): RSA
    /// moduli of exactly 2048, 3072 or 4096 bits; the three NIST curves and Ed25519 always pass.
    public func checkCosignKeyType() throws {
        if case .rsa(let bits) = self, ![2048, 3072, 4096].contains(bits) {
            throw CryptoError("unsupported key type: RSA \(bits)-bit (RSA keys must be 2048, 3072 or 4096 bits)")
        }
    }

    /// The scheme cosign and sigstore-go use by default for this key (FORMATS.md §1.6).
    public var defaultScheme: SignatureScheme {
        switch self {
        case .ecdsaP256: .ecdsa(.sha256)
        case .ecdsaP384: .ecdsa(.sha384)
        case .ecdsaP521: .ecdsa(.sha512)
        case .rsa: .rsaPKCS1v15(.sha256)
        case .ed25519: .ed25519
        }
    }
}

/// How bytes are signed: the algorithm family and its hash.
public enum SignatureScheme: Sendable, Equatable, CustomStringConvertible {
    /// ECDSA over a hash, ASN.1 DER `SEQUENCE { r, s }`.
    case ecdsa(DigestAlgorithm)
    /// RSASSA-PKCS1-v1_5 over a hash.
    case rsaPKCS1v15(DigestAlgorithm)
    /// Pure Ed25519 over the message.
    case ed25519
    /// Ed25519ph (RFC 8032): Ed25519 over SHA-512 of the message, empty context.
    case ed25519ph

    /// The hash applied to the message before signing, if any.
    public var hash: DigestAlgorithm? {
        switch self {
        case .ecdsa(let hash), .rsaPKCS1v15(let hash): hash
        case .ed25519: nil
        case .ed25519ph: .sha512
        }
    }

    public var description: String {
        switch self {
        case .ecdsa(let hash): "ECDSA-\(hash.rawValue.uppercased())"
        case .rsaPKCS1v15(let hash): "RSA-PKCS1v15-\(hash.rawValue.uppercased())"
        case .ed25519: "Ed25519"
        case .ed25519ph: "Ed25519ph"
        }
    }
}
