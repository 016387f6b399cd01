import COpenSSL
import Foundation

/// Describes an X.509 v3 certificate and issues it: for the test kit's private Sigstore (CA
/// roots, intermediates, Fulcio-style leaves with embedded SCTs, TSA certificates) and for
/// organisations running their own. Extensions appear in this order: basic constraints, key
/// usage, extended key usage, subject and authority key identifiers, SAN, `extraExtensions`,
/// then the SCT list.
public struct CertificateBuilder: Sendable {
    public var publicKey: PublicKey
    public var notBefore: Date
    public var notAfter: Date
    /// Serial number magnitude, big-endian; a random 16-byte value by default.
    public var serialNumber: Data
    /// Subject `O`; the subject is empty when both this and `subjectCommonName` are nil.
    public var subjectOrganization: String?
    public var subjectCommonName: String?
    /// basicConstraints (always critical when present).
    public var basicConstraints: BasicConstraints?
    /// keyUsage (always critical when present).
    public var keyUsage: KeyUsage?
    /// Dotted OIDs; no extension when empty.
    public var extendedKeyUsages: [String] = []
    public var isExtendedKeyUsageCritical = false
    /// No extension when empty. IP addresses are given as text; otherName values must be set.
    public var subjectAlternativeNames: [SubjectAlternativeName] = []
    public var isSubjectAlternativeNameCritical = true
    /// Subject key identifier (SHA-1 of the key, RFC 5280 method 1) and authority key identifier.
    public var includesKeyIdentifiers = true
    public var extraExtensions: [CertificateExtension] = []
    private var timestampRequests: [TimestampRequest] = []

    /// The basicConstraints extension.
    public struct BasicConstraints: Sendable, Equatable {
        public var isCA: Bool
        public var pathLength: Int?

        public init(isCA: Bool, pathLength: Int? = nil) {
            self.isCA = isCA
            self.pathLength = pathLength
        }
    }

    /// keyUsage bits (RFC 5280 §4.2.1.3).
    public struct KeyUsage: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        public static let digitalSignature = KeyUsage(rawValue: 1 << 0)
        public static let nonRepudiation = KeyUsage(rawValue: 1 << 1)
        public static let keyEncipherment = KeyUsage(rawValue: 1 << 2)
        public static let dataEncipherment = KeyUsage(rawValue: 1 << 3)
        public static let keyAgreement = KeyUsage(rawValue: 1 << 4)
        public static let keyCertSign = KeyUsage(rawValue: 1 << 5)
        public static let cRLSign = KeyUsage(rawValue: 1 << 6)
    }

    private struct TimestampRequest: Sendable {
        let logKey: PrivateKey
        let timestamp: Date
        let extensions: Data
    }

    public init(publicKey: PublicKey, notBefore: Date, notAfter: Date) throws {
        self.publicKey = publicKey
        self.notBefore = notBefore
        self.notAfter = notAfter
        var random = try RandomBytes.make(16)
        random[0] = random[0] & 0x7f | 0x40
        serialNumber = random
    }

    /// Embeds an SCT from the CT log whose key is `logKey` (ECDSA P-256 or RSA, SHA-256): the
    /// log signs the certificate's TBS without the SCT list, as RFC 6962 precertificates.
    public mutating func embedSCT(logKey: PrivateKey, timestamp: Date, extensions: Data = Data()) {
        timestampRequests.append(TimestampRequest(logKey: logKey, timestamp: timestamp, extensions: extensions))
    }

    /// Issues the certificate signed by `issuerKey`, the key of `issuer`.
    public func issue(issuer: Certificate, issuerKey: PrivateKey) throws -> Certificate {
        guard issuerKey.publicKey == issuer.publicKey else {
            throw CryptoError("the issuer key does not belong to the issuer certificate")
        }
        return try build(issuer: issuer, key: issuerKey)
    }

    /// Issues a self-signed certificate; `key` must be the private half of `publicKey`.
    public func selfSign(with key: PrivateKey) throws -> Certificate {
        guard key.publicKey == publicKey else { throw CryptoError("a self-signed certificate must be signed by its own key") }
        return try build(issuer: nil, key: key)
    }

    private func build(issuer: Certificate?, key: PrivateKey) throws -> Certificate {
        guard let x509 = X509_new() else { throw CryptoError.openSSL("out of memory") }
        let owner = X509Handle(x509)
        guard X509_set_version(x509, 2) == 1 else { throw CryptoError.openSSL("cannot set the certificate version") }
        try setSerialNumber(x509)
        try setSubject(x509)
        guard X509_set_issuer_name(x509, X509_get_subject_name(issuer?.pointer ?? x509)) == 1 else {
            throw CryptoError.openSSL("cannot set the issuer name")
        }
        try setValidity(x509)
        guard X509_set_pubkey(x509, publicKey.key.pointer) == 1 else { throw CryptoError.openSSL("cannot set the public key") }
        try addStandardExtensions(x509, issuer: issuer)
        for ext in extraExtensions {
            try Self.add(ext, to: x509)
        }
        try sign(x509, with: key)
        if !timestampRequests.isEmpty {
            let issuerKeyHash = (issuer?.publicKey ?? publicKey).spkiSHA256
            try embedTimestamps(x509, issuerKeyHash: issuerKeyHash)
            try sign(x509, with: key)
        }
        // Parse the encoding afresh so that nothing cached while building survives.
        return try Certificate(der: ASN1.der("cannot encode the certificate") { i2d_X509(owner.pointer, &$0) })
    }

    private func setSerialNumber(_ x509: OpaquePointer) throws {
        guard !serialNumber.isEmpty, serialNumber.count <= 20 else {
            throw CryptoError("a serial number must have 1 to 20 bytes")
        }
        let integer = try ASN1.integer(serialNumber)
        defer { ASN1_INTEGER_free(integer) }
        guard X509_set_serialNumber(x509, integer) == 1 else { throw CryptoError.openSSL("cannot set the serial number") }
    }

    private func setSubject(_ x509: OpaquePointer) throws {
        guard let name = X509_NAME_new() else { throw CryptoError.openSSL("out of memory") }
        defer { X509_NAME_free(name) }
        for (field, value) in [("O", subjectOrganization), ("CN", subjectCommonName)] {
            guard let value else { continue }
            let bytes = Array(value.utf8)
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0) == 1 else {
                throw CryptoError.openSSL("cannot set the subject \(field)")
            }
        }
        guard X509_set_subject_name(x509, name) == 1 else { throw CryptoError.openSSL("cannot set the subject") }
    }

    private func setValidity(_ x509: OpaquePointer) throws {
        guard notBefore <= notAfter else { throw CryptoError("notBefore is after notAfter") }
        for (date, setter) in [(notBefore, X509_set1_notBefore), (notAfter, X509_set1_notAfter)] {
            guard let time = ASN1_TIME_set(nil, time_t(date.wholeSecondsSince1970)) else {
                throw CryptoError.openSSL("invalid certificate time \(date.rfc3339)")
            }
            defer { ASN1_STRING_free(time) }
            guard setter(x509, time) == 1 else { throw CryptoError.openSSL("cannot set the validity period") }
        }
    }

    private func addStandardExtensions(_ x509: OpaquePointer, issuer: Certificate?) throws {
        if let basicConstraints {
            guard let value = BASIC_CONSTRAINTS_new() else { throw CryptoError.openSSL("out of memory") }
            defer { BASIC_CONSTRAINTS_free(value) }
            value.pointee.ca = basicConstraints.isCA ? 0xff : 0
            if let pathLength = basicConstraints.pathLength {
                guard pathLength >= 0, let integer = ASN1_INTEGER_new() else { throw CryptoError("invalid path length \(pathLength)") }
                value.pointee.pathlen = integer
                guard ASN1_INTEGER_set_int64(integer, Int64(pathLength)) == 1 else { throw CryptoError.openSSL("invalid path length") }
            }
            try Self.add(nid: NID_basic_constraints, value, critical: true, to: x509)
        }
        if let keyUsage {
            guard let bits = ASN1_BIT_STRING_new() else { throw CryptoError.openSSL("out of memory") }
            defer { ASN1_BIT_STRING_free(bits) }
            for bit in 0..<7 where keyUsage.contains(KeyUsage(rawValue: 1 << bit)) {
                guard ASN1_BIT_STRING_set_bit(bits, Int32(bit), 1) == 1 else { throw CryptoError.openSSL("out of memory") }
            }
            try Self.add(nid: NID_key_usage, bits, critical: true, to: x509)
        }
        if !extendedKeyUsages.isEmpty {
            guard let usages = airlock_extended_key_usage_new() else { throw CryptoError.openSSL("out of memory") }
            defer { airlock_extended_key_usage_free(usages) }
            for oid in extendedKeyUsages {
                let object = try ASN1.object(dotted: oid)
                guard airlock_sk_asn1_object_push(usages, object) > 0 else {
                    ASN1_OBJECT_free(object)
                    throw CryptoError.openSSL("out of memory")
                }
            }
            try Self.add(nid: NID_ext_key_usage, UnsafeMutableRawPointer(usages), critical: isExtendedKeyUsageCritical, to: x509)
        }
        if includesKeyIdentifiers {
            try addKeyIdentifiers(x509, issuer: issuer)
        }
        if !subjectAlternativeNames.isEmpty {
            let names = try SubjectAlternativeName.makeGeneralNames(subjectAlternativeNames)
            defer { airlock_general_names_free(names) }
            try Self.add(nid: NID_subject_alt_name, UnsafeMutableRawPointer(names), critical: isSubjectAlternativeNameCritical, to: x509)
        }
    }

    private func addKeyIdentifiers(_ x509: OpaquePointer, issuer: Certificate?) throws {
        let subjectKeyID = try Self.keyIdentifier(of: x509)
        let authorityKeyID = try issuer.map { try $0.subjectKeyIdentifier ?? Self.keyIdentifier(of: $0.pointer) } ?? subjectKeyID
        let subjectOctets = try ASN1.string(V_ASN1_OCTET_STRING, subjectKeyID)
        defer { ASN1_OCTET_STRING_free(subjectOctets) }
        try Self.add(nid: NID_subject_key_identifier, subjectOctets, critical: false, to: x509)
        guard let authority = AUTHORITY_KEYID_new() else { throw CryptoError.openSSL("out of memory") }
        defer { AUTHORITY_KEYID_free(authority) }
        authority.pointee.keyid = try ASN1.string(V_ASN1_OCTET_STRING, authorityKeyID)
        try Self.add(nid: NID_authority_key_identifier, authority, critical: false, to: x509)
    }

    /// RFC 5280 method 1: SHA-1 of the subjectPublicKey bits.
    private static func keyIdentifier(of x509: OpaquePointer) throws -> Data {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_pubkey_digest(x509, EVP_sha1(), &digest, &length) == 1 else {
            throw CryptoError.openSSL("cannot compute a key identifier")
        }
        return Data(digest.prefix(Int(length)))
    }

    private func embedTimestamps(_ x509: OpaquePointer, issuerKeyHash: Data) throws {
        let tbs = try ASN1.der("cannot encode the TBSCertificate") { i2d_re_X509_tbs(x509, &$0) }
        guard let list = airlock_sk_sct_new_null() else { throw CryptoError.openSSL("out of memory") }
        defer { SCT_LIST_free(list) }
        for request in timestampRequests {
            let scheme = request.logKey.algorithm.defaultScheme
            guard scheme == .ecdsa(.sha256) || scheme == .rsaPKCS1v15(.sha256) else {
                throw CryptoError("a CT log key must be ECDSA P-256 or RSA (SHA-256), not \(request.logKey.algorithm)")
            }
            let milliseconds = (request.timestamp.timeIntervalSince1970 * 1000).rounded(.down)
            guard milliseconds >= 0, milliseconds < 1e15 else { throw CryptoError("SCT timestamp out of range") }
            let timestamp = UInt64(milliseconds)
            let signed = SignedCertificateTimestamp.signedData(timestamp: timestamp, issuerKeyHash: issuerKeyHash,
                                                               tbs: tbs, extensions: request.extensions)
            let sct = SignedCertificateTimestamp(logID: request.logKey.publicKey.spkiSHA256, timestamp: timestamp,
                                                 extensions: request.extensions,
                                                 signatureAlgorithm: scheme == .ecdsa(.sha256) ? 3 : 1,
                                                 signature: try request.logKey.sign(signed, scheme: scheme))
            let native = try sct.makeOpenSSLSCT()
            guard airlock_sk_sct_push(list, native) > 0 else {
                SCT_free(native)
                throw CryptoError.openSSL("out of memory")
            }
        }
        try Self.add(nid: NID_ct_precert_scts, UnsafeMutableRawPointer(list), critical: false, to: x509)
    }

    private func sign(_ x509: OpaquePointer, with key: PrivateKey) throws {
        guard X509_sign(x509, key.key.pointer, key.defaultSigningDigest) > 0 else {
            throw CryptoError.openSSL("cannot sign the certificate")
        }
    }

    private static func add<T>(nid: Int32, _ value: UnsafeMutablePointer<T>, critical: Bool, to x509: OpaquePointer) throws {
        try add(nid: nid, UnsafeMutableRawPointer(value), critical: critical, to: x509)
    }

    private static func add(nid: Int32, _ value: UnsafeMutableRawPointer, critical: Bool, to x509: OpaquePointer) throws {
        guard X509_add1_ext_i2d(x509, nid, value, critical ? 1 : 0, UInt(X509V3_ADD_DEFAULT)) == 1 else {
            throw CryptoError.openSSL("cannot add extension \(String(cString: OBJ_nid2sn(nid)))")
        }
    }

    private static func add(_ ext: CertificateExtension, to x509: OpaquePointer) throws {
        let object = try ASN1.object(dotted: ext.oid)
        defer { ASN1_OBJECT_free(object) }
        let octets = try ASN1.string(V_ASN1_OCTET_STRING, ext.value)
        defer { ASN1_OCTET_STRING_free(octets) }
        guard let native = X509_EXTENSION_create_by_OBJ(nil, object, ext.critical ? 1 : 0, octets) else {
            throw CryptoError.openSSL("cannot build extension \(ext.oid)")
        }
        defer { X509_EXTENSION_free(native) }
        guard X509_add_ext(x509, native, -1) == 1 else { throw CryptoError.openSSL("cannot add extension \(ext.oid)") }
    }
}
