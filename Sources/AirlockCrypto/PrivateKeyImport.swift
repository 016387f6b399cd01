import COpenSSL
import Foundation

extension PrivateKey {
    /// Loads the first PEM block of an unencrypted private key file, as `import-key-pair`
    /// does (FORMATS.md §1.5): `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1),
    /// `RSA PRIVATE KEY` (PKCS#1), and also `ENCRYPTED PRIVATE KEY` (PKCS#8 PBES2, which cosign
    /// refuses), for which `password` is called once. The key must pass cosign's good-key rule.
    public convenience init(importingPEM pem: SecureBytes, password: () throws -> SecureBytes) throws {
        let block = try SecretPEMBlock(firstIn: pem)
        let key: EVPKey
        switch block.label {
        case "PRIVATE KEY":
            key = try EVPKey.parsePKCS8(block.der)
        case "EC PRIVATE KEY":
            // SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING, ... }
            key = try EVPKey.parseTypeSpecific(block.der, keyType: EVP_PKEY_EC, secondTag: 0x04, formatName: "SEC1 EC PRIVATE KEY")
        case "RSA PRIVATE KEY":
            // PKCS#1 RSAPrivateKey: SEQUENCE { INTEGER 0, INTEGER modulus, ... }
            key = try EVPKey.parseTypeSpecific(block.der, keyType: EVP_PKEY_RSA, secondTag: 0x02, formatName: "PKCS#1 RSA PRIVATE KEY")
        case "ENCRYPTED PRIVATE KEY":
            key = try EVPKey.parseEncryptedPKCS8(block.der, password: password)
        case let label where CosignKeyFile.Label(rawValue: label) != nil:
            throw CryptoError("the key is already a cosign encrypted key file; there is nothing to import")
        case let label:
            throw CryptoError("unsupported private key PEM block \"\(label.prefix(60))\" (expected PRIVATE KEY, "
                + "EC PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY)")
        }
        try self.init(key: key)
        try algorithm.checkCosignKeyType()
    }
}

extension EVPKey {
    /// DER PKCS#8 `PrivateKeyInfo` (unencrypted), with no trailing bytes.
    static func parsePKCS8(_ der: SecureBytes) throws -> EVPKey {
        let parsed: OpaquePointer? = der.withUnsafeBytes { raw in
            guard let info = ASN1.decodeWhole(raw, decode: { d2i_PKCS8_PRIV_KEY_INFO(nil, &$0, $1) },
                                              free: { PKCS8_PRIV_KEY_INFO_free($0) }) else { return nil }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            return EVP_PKCS82PKEY(info)
        }
        guard let parsed else { throw CryptoError.openSSL("the private key is not DER PKCS#8") }
        return EVPKey(parsed)
    }

    /// The algorithm's own private key structure: SEC1 `ECPrivateKey` for EC, PKCS#1
    /// `RSAPrivateKey` for RSA. OpenSSL's `d2i_PrivateKey` falls back to PKCS#8, so the
    /// structure is first told apart by the tag of its second element (PKCS#8 has a SEQUENCE
    /// there), and the decoded key's type is checked.
    static func parseTypeSpecific(_ der: SecureBytes, keyType: Int32, secondTag: UInt8, formatName: String) throws -> EVPKey {
        guard der.withUnsafeBytes({ DERSequence.tagOfSecondElement($0) }) == secondTag else {
            throw CryptoError("the \(formatName) block does not hold a \(formatName) structure")
        }
        let parsed = der.withUnsafeBytes { raw in
            ASN1.decodeWhole(raw, decode: { d2i_PrivateKey(keyType, nil, &$0, $1) }, free: { EVP_PKEY_free($0) })
        }
        guard let parsed else { throw CryptoError.openSSL("the \(formatName) block does not hold a valid key") }
        let key = EVPKey(parsed)
        guard EVP_PKEY_get_base_id(parsed) == keyType else {
            throw CryptoError("the \(formatName) block holds a key of another type")
        }
        return key
    }

    /// DER PKCS#8 `EncryptedPrivateKeyInfo` with PBES2; `password` is asked only once the
    /// structure and its scheme have been checked.
    static func parseEncryptedPKCS8(_ der: SecureBytes, password: () throws -> SecureBytes) throws -> EVPKey {
        let parsed = der.withUnsafeBytes { raw in
            ASN1.decodeWhole(raw, decode: { d2i_X509_SIG(nil, &$0, $1) }, free: { X509_SIG_free($0) })
        }
        guard let sig = parsed else {
            throw CryptoError.openSSL("the ENCRYPTED PRIVATE KEY block is not DER PKCS#8 EncryptedPrivateKeyInfo")
        }
        defer { X509_SIG_free(sig) }
        var algorithm: UnsafePointer<X509_ALGOR>?
        X509_SIG_get0(sig, &algorithm, nil)
        var scheme: OpaquePointer?
        X509_ALGOR_get0(&scheme, nil, nil, algorithm)
        guard let scheme, OBJ_obj2nid(scheme) == NID_pbes2 else {
            throw CryptoError("the ENCRYPTED PRIVATE KEY uses a legacy encryption scheme; only PKCS#5 v2 (PBES2) is supported")
        }
        let secret = try password()
        let info = secret.withUnsafeBytes { pass in
            PKCS8_decrypt(sig, pass.bindMemory(to: CChar.self).baseAddress, Int32(clamping: pass.count))
        }
        guard let info else {
            OpenSSLErrorQueue.clear()
            throw CryptoError("wrong password for the ENCRYPTED PRIVATE KEY (it did not decrypt)")
        }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        guard let key = EVP_PKCS82PKEY(info) else {
            throw CryptoError.openSSL("the decrypted PKCS#8 key does not parse")
        }
        return EVPKey(key)
    }
}

/// The first PEM block of secret text (an unencrypted private key), decoded by OpenSSL
/// into memory that is wiped when freed. PEM headers (legacy encrypted PEM) are refused.
struct SecretPEMBlock {
    let label: String
    let der: SecureBytes

    init(firstIn text: SecureBytes) throws {
        var name: UnsafeMutablePointer<CChar>?
        var header: UnsafeMutablePointer<CChar>?
        var data: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = text.withUnsafeBytes { raw -> Int32 in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(clamping: raw.count)) else { return 0 }
            defer { BIO_free(bio) }
            return PEM_read_bio_ex(bio, &name, &header, &data, &length, UInt32(PEM_FLAG_SECURE))
        }
        defer {
            airlock_openssl_secure_free(name)
            airlock_openssl_secure_free(header)
            if let data { airlock_openssl_secure_clear_free(data, max(length, 0)) }
        }
        guard status == 1, let name, let data, length > 0 else {
            OpenSSLErrorQueue.clear()
            throw CryptoError("no PEM private key block found")
        }
        if let header, header.pointee != 0 {
            throw CryptoError("the PEM block has headers (legacy OpenSSL encryption), which are not supported; "
                + "convert the key to PKCS#8 first")
        }
        label = String(cString: name)
        der = SecureBytes(copying: UnsafeRawBufferPointer(start: data, count: length))
    }
}

/// Just enough DER reading to tell private key structures apart.
enum DERSequence {
    /// The tag of the second element of the outermost SEQUENCE, or nil when `der` is not
    /// a well-formed SEQUENCE prefix.
    static func tagOfSecondElement(_ der: UnsafeRawBufferPointer) -> UInt8? {
        guard der.first == 0x30, let content = headerLength(der, at: 0) else { return nil }
        guard content < der.count, der[content] == 0x02,
              let elementHeader = headerLength(der, at: content),
              let elementLength = length(der, at: content) else { return nil }
        let next = content + elementHeader + elementLength
        return next < der.count ? der[next] : nil
    }

    /// Bytes taken by the tag and length at `offset`.
    private static func headerLength(_ der: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        guard offset + 1 < der.count else { return nil }
        let first = der[offset + 1]
        if first < 0x80 { return 2 }
        let count = Int(first & 0x7f)
        guard (1...4).contains(count), offset + 1 + count < der.count else { return nil }
        return 2 + count
    }

    /// The content length of the element at `offset`.
    private static func length(_ der: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        guard let header = headerLength(der, at: offset) else { return nil }
        let first = der[offset + 1]
        if first < 0x80 { return Int(first) }
        return (offset + 2..<offset + header).reduce(0) { $0 << 8 | Int(der[$1]) }
    }
}
