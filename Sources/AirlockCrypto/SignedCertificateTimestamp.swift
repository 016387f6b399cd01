import COpenSSL
import Foundation

/// An RFC 6962 signed certificate timestamp embedded in a certificate (FORMATS.md §8.5).
public struct SignedCertificateTimestamp: Sendable, Hashable {
    /// 0 for v1, the only version that verifies.
    public let version: UInt8
    /// SHA-256 of the CT log's DER public key.
    public let logID: Data
    /// Milliseconds since the Unix epoch.
    public let timestamp: UInt64
    /// `CtExtensions`, included in the signed data.
    public let extensions: Data
    /// TLS `HashAlgorithm` code (4 = SHA-256, 5 = SHA-384, 6 = SHA-512).
    public let hashAlgorithm: UInt8
    /// TLS `SignatureAlgorithm` code (1 = RSA, 3 = ECDSA).
    public let signatureAlgorithm: UInt8
    public let signature: Data

    /// The extension OID holding the SCT list.
    public static let extensionOID = "1.3.6.1.4.1.11129.2.4.2"

    public init(version: UInt8 = 0, logID: Data, timestamp: UInt64, extensions: Data = Data(),
                hashAlgorithm: UInt8 = 4, signatureAlgorithm: UInt8 = 3, signature: Data) {
        self.version = version
        self.logID = logID
        self.timestamp = timestamp
        self.extensions = extensions
        self.hashAlgorithm = hashAlgorithm
        self.signatureAlgorithm = signatureAlgorithm
        self.signature = signature
    }

    /// The timestamp as a date.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(timestamp) / 1000) }

    /// Checks the log's signature over the precertificate entry of `leaf`, whose issuer (the CA
    /// that signed it, `chain[1]` of a validated chain) is `issuer`. The caller picks `logKey`
    /// by `logID` and checks the timestamp against the log's validity window.
    public func verify(leaf: Certificate, issuer: Certificate, logKey: PublicKey) throws {
        guard version == 0 else { throw CryptoError("SCT version \(version) is not supported (only v1)") }
        let scheme = try signatureScheme()
        guard scheme.fits(logKey.algorithm) else {
            throw CryptoError("SCT is signed with \(scheme) but the CT log key is \(logKey.algorithm)")
        }
        let message = Self.signedData(timestamp: timestamp, issuerKeyHash: issuer.publicKey.spkiSHA256,
                                      tbs: try leaf.precertificateTBS(), extensions: extensions)
        guard logKey.isValidSignature(signature, for: message, scheme: scheme) else {
            throw CryptoError("SCT signature from log \(logID.lowercaseHex.prefix(16))… does not verify with the CT log key")
        }
    }

    /// The signature scheme named by the hash and signature algorithm codes.
    func signatureScheme() throws -> SignatureScheme {
        let hash: DigestAlgorithm
        switch hashAlgorithm {
        case 4: hash = .sha256
        case 5: hash = .sha384
        case 6: hash = .sha512
        default: throw CryptoError("SCT hash algorithm \(hashAlgorithm) is not supported")
        }
        switch signatureAlgorithm {
        case 1: return .rsaPKCS1v15(hash)
        case 3: return .ecdsa(hash)
        default: throw CryptoError("SCT signature algorithm \(signatureAlgorithm) is not supported")
        }
    }

    /// RFC 6962 §3.2 `digitally-signed` struct for a precertificate entry.
    static func signedData(timestamp: UInt64, issuerKeyHash: Data, tbs: Data, extensions: Data) -> Data {
        var out = Data([0x00, 0x00]) // v1, certificate_timestamp
        out.append(bigEndian: timestamp, bytes: 8)
        out.append(contentsOf: [0x00, 0x01]) // precert_entry
        out.append(issuerKeyHash)
        out.append(bigEndian: UInt64(tbs.count), bytes: 3)
        out.append(tbs)
        out.append(bigEndian: UInt64(extensions.count), bytes: 2)
        out.append(extensions)
        return out
    }

    /// Reads one OpenSSL `SCT`; an SCT of another version keeps only its version.
    init(_ sct: OpaquePointer) throws {
        let version = SCT_get_version(sct)
        guard version == SCT_VERSION_V1 else {
            self.init(version: UInt8(truncatingIfNeeded: version.rawValue), logID: Data(), timestamp: 0, signature: Data())
            return
        }
        var pointer: UnsafeMutablePointer<UInt8>?
        let logIDLength = SCT_get0_log_id(sct, &pointer)
        let logID = pointer.map { Data(bytes: $0, count: logIDLength) } ?? Data()
        pointer = nil
        let extensionsLength = SCT_get0_extensions(sct, &pointer)
        let extensions = pointer.map { Data(bytes: $0, count: extensionsLength) } ?? Data()
        pointer = nil
        let signatureLength = SCT_get0_signature(sct, &pointer)
        let signature = pointer.map { Data(bytes: $0, count: signatureLength) } ?? Data()
        // OpenSSL exposes the two algorithm bytes only through the serialized SCT:
        // version(1) log_id(32) timestamp(8) ext_len(2) ext hash(1) sig(1) sig_len(2) sig.
        let serialized = try ASN1.der("cannot encode an SCT") { i2o_SCT(sct, &$0) }
        let algorithms = 1 + logIDLength + 8 + 2 + extensionsLength
        guard serialized.count >= algorithms + 2 else { throw CryptoError("SCT is truncated") }
        let start = serialized.startIndex + algorithms
        self.init(version: 0, logID: logID, timestamp: SCT_get_timestamp(sct), extensions: extensions,
                  hashAlgorithm: serialized[start], signatureAlgorithm: serialized[start + 1], signature: signature)
    }

    /// A new OpenSSL `SCT` for a precertificate entry, owned by the caller.
    func makeOpenSSLSCT() throws -> OpaquePointer {
        guard let sct = SCT_new() else { throw CryptoError.openSSL("out of memory") }
        let nid: Int32 = switch (hashAlgorithm, signatureAlgorithm) {
        case (4, 3): NID_ecdsa_with_SHA256
        case (4, 1): NID_sha256WithRSAEncryption
        default: NID_undef
        }
        let filled = logID.withUnsafeBytes { id in
            extensions.withUnsafeBytes { ext in
                signature.withUnsafeBytes { sig in
                    SCT_set_version(sct, SCT_VERSION_V1) == 1
                        && SCT_set_log_entry_type(sct, CT_LOG_ENTRY_TYPE_PRECERT) == 1
                        && SCT_set1_log_id(sct, id.bindMemory(to: UInt8.self).baseAddress, id.count) == 1
                        && (ext.isEmpty || SCT_set1_extensions(sct, ext.bindMemory(to: UInt8.self).baseAddress, ext.count) == 1)
                        && SCT_set_signature_nid(sct, nid) == 1
                        && SCT_set1_signature(sct, sig.bindMemory(to: UInt8.self).baseAddress, sig.count) == 1
                }
            }
        }
        guard filled else {
            SCT_free(sct)
            throw CryptoError.openSSL("cannot build an SCT (only ECDSA and RSA with SHA-256 can be embedded)")
        }
        SCT_set_timestamp(sct, timestamp)
        return sct
    }
}

extension Certificate {
    /// The SCTs embedded in this certificate, in order; empty when it has none.
    public func signedCertificateTimestamps() throws -> [SignedCertificateTimestamp] {
        try ASN1.withExtension(pointer, nid: NID_ct_precert_scts, name: "embedded SCT list",
                               free: { SCT_LIST_free(OpaquePointer($0)) }) { raw, _ in
            let list = OpaquePointer(raw)
            return try (0..<airlock_sk_sct_num(list)).compactMap { index in
                try airlock_sk_sct_value(list, index).map { try SignedCertificateTimestamp($0) }
            }
        } ?? []
    }

    /// The TBSCertificate with only the SCT-list extension removed: the precertificate a CT log
    /// signed (RFC 6962 §3.2). A certificate whose only extension is the SCT list keeps an empty
    /// extension list here, which no real precertificate has.
    func precertificateTBS() throws -> Data {
        guard let copy = X509_dup(pointer) else { throw CryptoError.openSSL("cannot copy a certificate") }
        let owner = X509Handle(copy)
        let index = X509_get_ext_by_NID(owner.pointer, NID_ct_precert_scts, -1)
        if index >= 0 {
            guard let removed = X509_delete_ext(owner.pointer, index) else {
                throw CryptoError.openSSL("cannot remove the SCT list from a certificate")
            }
            X509_EXTENSION_free(removed)
        }
        return try ASN1.der("cannot encode a TBSCertificate") { i2d_re_X509_tbs(owner.pointer, &$0) }
    }
}

extension Data {
    /// Appends the low `bytes` bytes of `value`, most significant first.
    mutating func append(bigEndian value: UInt64, bytes: Int) {
        for shift in stride(from: (bytes - 1) * 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }
}
