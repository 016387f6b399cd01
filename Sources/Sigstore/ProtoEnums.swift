import AirlockJSON
import AirlockCrypto

extension DigestAlgorithm {
    /// The protobuf-specs `HashAlgorithm` name: `SHA2_256`, `SHA2_384`, `SHA2_512`.
    public var protoName: String {
        switch self {
        case .sha256: "SHA2_256"
        case .sha384: "SHA2_384"
        case .sha512: "SHA2_512"
        }
    }

    /// `HashAlgorithm` enum cases as protojson reads them (name or number). SHA-3 is not supported.
    static let protoCases: [(name: String, number: Int64, value: DigestAlgorithm)] = [
        ("SHA2_256", 1, .sha256), ("SHA2_384", 2, .sha384), ("SHA2_512", 3, .sha512),
    ]
}

/// protobuf-specs `PublicKeyDetails`: a key's type and the signature scheme used with it. Only
/// the values a trusted root or a Rekor v2 entry may carry for keys airlock can use.
public enum PublicKeyDetails: String, Sendable, CaseIterable {
    /// PKCS#1 `RSAPublicKey` DER (legacy, public-good staging CT log).
    case pkcs1RSAPKCS1v5 = "PKCS1_RSA_PKCS1V5"
    case pkixRSAPKCS1v15_2048SHA256 = "PKIX_RSA_PKCS1V15_2048_SHA256"
    case pkixRSAPKCS1v15_3072SHA256 = "PKIX_RSA_PKCS1V15_3072_SHA256"
    case pkixRSAPKCS1v15_4096SHA256 = "PKIX_RSA_PKCS1V15_4096_SHA256"
    case pkixECDSAP256SHA256 = "PKIX_ECDSA_P256_SHA_256"
    case pkixECDSAP384SHA384 = "PKIX_ECDSA_P384_SHA_384"
    case pkixECDSAP521SHA512 = "PKIX_ECDSA_P521_SHA_512"
    case pkixEd25519 = "PKIX_ED25519"
    case pkixEd25519ph = "PKIX_ED25519_PH"

    /// The protobuf enum number.
    public var number: Int64 {
        switch self {
        case .pkcs1RSAPKCS1v5: 1
        case .pkixECDSAP256SHA256: 5
        case .pkixEd25519: 7
        case .pkixEd25519ph: 8
        case .pkixRSAPKCS1v15_2048SHA256: 9
        case .pkixRSAPKCS1v15_3072SHA256: 10
        case .pkixRSAPKCS1v15_4096SHA256: 11
        case .pkixECDSAP384SHA384: 12
        case .pkixECDSAP521SHA512: 13
        }
    }

    static let protoCases: [(name: String, number: Int64, value: PublicKeyDetails)] =
        allCases.map { ($0.rawValue, $0.number, $0) }

    /// The default details of a key of `algorithm`, as sigstore-go chooses them. Ed25519 maps
    /// to `PKIX_ED25519_PH` when `ed25519Prehashed` (Rekor v2 entries), else `PKIX_ED25519`.
    public init(defaultFor algorithm: KeyAlgorithm, ed25519Prehashed: Bool) throws(FormatError) {
        switch algorithm {
        case .ecdsaP256: self = .pkixECDSAP256SHA256
        case .ecdsaP384: self = .pkixECDSAP384SHA384
        case .ecdsaP521: self = .pkixECDSAP521SHA512
        case .rsa(bits: 2048): self = .pkixRSAPKCS1v15_2048SHA256
        case .rsa(bits: 3072): self = .pkixRSAPKCS1v15_3072SHA256
        case .rsa(bits: 4096): self = .pkixRSAPKCS1v15_4096SHA256
        case .ed25519: self = ed25519Prehashed ? .pkixEd25519ph : .pkixEd25519
        case .rsa(let bits): throw FormatError("RSA keys of \(bits) bits have no PublicKeyDetails value (2048, 3072, 4096)")
        }
    }

    /// The signature scheme these details name.
    public var signatureScheme: SignatureScheme {
        switch self {
        case .pkcs1RSAPKCS1v5, .pkixRSAPKCS1v15_2048SHA256, .pkixRSAPKCS1v15_3072SHA256,
             .pkixRSAPKCS1v15_4096SHA256: .rsaPKCS1v15(.sha256)
        case .pkixECDSAP256SHA256: .ecdsa(.sha256)
        case .pkixECDSAP384SHA384: .ecdsa(.sha384)
        case .pkixECDSAP521SHA512: .ecdsa(.sha512)
        case .pkixEd25519: .ed25519
        case .pkixEd25519ph: .ed25519ph
        }
    }

    /// Whether a key of `algorithm` is of the type these details describe.
    public func describes(_ algorithm: KeyAlgorithm) -> Bool {
        switch (self, algorithm) {
        case (.pkcs1RSAPKCS1v5, .rsa): true
        case (.pkixRSAPKCS1v15_2048SHA256, .rsa(bits: 2048)): true
        case (.pkixRSAPKCS1v15_3072SHA256, .rsa(bits: 3072)): true
        case (.pkixRSAPKCS1v15_4096SHA256, .rsa(bits: 4096)): true
        case (.pkixECDSAP256SHA256, .ecdsaP256), (.pkixECDSAP384SHA384, .ecdsaP384),
             (.pkixECDSAP521SHA512, .ecdsaP521): true
        case (.pkixEd25519, .ed25519), (.pkixEd25519ph, .ed25519): true
        default: false
        }
    }
}
