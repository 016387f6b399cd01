import COpenSSL
import Foundation

/// An X.509 certificate, parsed once by OpenSSL and immutable afterwards. Certificates with
/// repeated or malformed standard extensions, or keys other than ECDSA, RSA and Ed25519, are
/// rejected when parsed.
public final class Certificate: @unchecked Sendable, Hashable, CustomStringConvertible {
    let handle: X509Handle
    var pointer: OpaquePointer { handle.pointer }

    /// The DER encoding, byte for byte as parsed.
    public let der: Data
    /// Serial number magnitude, big-endian, without leading zero bytes (one zero byte for 0).
    public let serialNumber: Data
    /// Subject distinguished name, RFC 2253 (most specific first); empty for Fulcio leaves.
    public let subject: String
    /// Issuer distinguished name, RFC 2253.
    public let issuer: String
    public let notBefore: Date
    public let notAfter: Date
    /// Whether basicConstraints says this is a CA (`cA TRUE`), as Go's `IsCA`.
    public let isCA: Bool
    /// The basicConstraints path length constraint, if any.
    public let pathLengthConstraint: Int?
    public let publicKey: PublicKey
    /// Every extension, in certificate order.
    public let extensions: [CertificateExtension]
    /// Extended key usages as dotted OIDs, in order; empty when the extension is absent.
    public let extendedKeyUsages: [String]
    public let hasExtendedKeyUsage: Bool
    public let isExtendedKeyUsageCritical: Bool
    /// Subject alternative names in certificate order (URI, email, DNS, IP, otherName).
    public let subjectAlternativeNames: [SubjectAlternativeName]
    public let subjectKeyIdentifier: Data?
    public let authorityKeyIdentifier: Data?

    /// The largest DER certificate accepted.
    public static let maximumDERSize = 256 * 1024

    /// Takes ownership of `x509` (freed even when parsing fails); `der` is the exact encoding
    /// it was parsed from, if any.
    init(taking x509: OpaquePointer, der: Data? = nil) throws {
        handle = X509Handle(x509)
        self.der = try der ?? ASN1.der("cannot encode a certificate") { i2d_X509(x509, &$0) }
        guard let serial = X509_get0_serialNumber(x509) else { throw CryptoError.openSSL("certificate has no serial number") }
        let magnitude = ASN1.bytes(serial).drop { $0 == 0 }
        serialNumber = magnitude.isEmpty ? Data([0]) : Data(magnitude)
        subject = try ASN1.distinguishedName(X509_get_subject_name(x509))
        issuer = try ASN1.distinguishedName(X509_get_issuer_name(x509))
        guard let start = X509_get0_notBefore(x509), let end = X509_get0_notAfter(x509) else {
            throw CryptoError("certificate has no validity period")
        }
        notBefore = try ASN1.date(start)
        notAfter = try ASN1.date(end)
        guard let key = X509_get_pubkey(x509) else { throw CryptoError.openSSL("certificate public key is not supported") }
        publicKey = try PublicKey(key: EVPKey(key))
        extensions = try Certificate.listExtensions(x509)
        (isCA, pathLengthConstraint) = try Certificate.basicConstraints(x509)
        (hasExtendedKeyUsage, isExtendedKeyUsageCritical, extendedKeyUsages) = try Certificate.extendedKeyUsage(x509)
        subjectAlternativeNames = try SubjectAlternativeName.all(in: x509)
        subjectKeyIdentifier = X509_get0_subject_key_id(x509).map { ASN1.bytes($0) }
        authorityKeyIdentifier = X509_get0_authority_key_id(x509).map { ASN1.bytes($0) }
        OpenSSLErrorQueue.clear()
    }

    /// Parses one DER certificate; trailing bytes are an error.
    public convenience init(der: Data) throws {
        try self.init(taking: ASN1.decodeWhole(der, maximumSize: Certificate.maximumDERSize, what: "X.509 certificate",
                                               decode: { d2i_X509(nil, &$0, $1) }, free: { X509_free($0) }),
                      der: Data(der))
    }

    /// Parses the first PEM block of `pem`, which must be a `CERTIFICATE`.
    public convenience init(pem: String) throws {
        let block = try PEMBlock.first(in: pem)
        guard block.label == "CERTIFICATE" else {
            throw CryptoError("PEM block \"\(block.label)\" is not a certificate (expected CERTIFICATE)")
        }
        try self.init(der: block.der)
    }

    /// Every certificate of a PEM chain, in order; any block that is not a `CERTIFICATE`, or
    /// no block at all, is an error.
    public static func parseAll(pem: String) throws -> [Certificate] {
        let blocks = try PEMBlock.parseAll(pem)
        guard !blocks.isEmpty else { throw CryptoError("no PEM certificate found") }
        return try blocks.map { block in
            guard block.label == "CERTIFICATE" else {
                throw CryptoError("PEM block \"\(block.label)\" is not a certificate (expected CERTIFICATE)")
            }
            return try Certificate(der: block.der)
        }
    }

    /// `CERTIFICATE` PEM.
    public var pem: String { PEMBlock(label: "CERTIFICATE", der: der).text }

    /// Serial number as lowercase hex.
    public var serialNumberHex: String { serialNumber.lowercaseHex }

    /// The raw value of the extension `oid`, if present.
    public func extensionValue(oid: String) -> Data? {
        extensions.first { $0.oid == oid }?.value
    }

    /// Whether `date` lies within the validity period, both ends included.
    public func isValid(at date: Date) -> Bool {
        notBefore <= date && date <= notAfter
    }

    public var description: String {
        "certificate \(subject.isEmpty ? "with an empty subject" : "\"\(subject)\"") serial \(serialNumberHex)"
    }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.der == rhs.der }

    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    private static func listExtensions(_ x509: OpaquePointer) throws -> [CertificateExtension] {
        var list: [CertificateExtension] = []
        var seen = Set<String>()
        for index in 0..<X509_get_ext_count(x509) {
            guard let ext = X509_get_ext(x509, index), let object = X509_EXTENSION_get_object(ext),
                  let data = X509_EXTENSION_get_data(ext) else {
                throw CryptoError.openSSL("certificate extension \(index) is malformed")
            }
            let oid = ASN1.dottedOID(object)
            guard seen.insert(oid).inserted else { throw CryptoError("certificate repeats extension \(oid)") }
            list.append(CertificateExtension(oid: oid, critical: X509_EXTENSION_get_critical(ext) != 0,
                                             value: ASN1.bytes(data)))
        }
        return list
    }

    private static func basicConstraints(_ x509: OpaquePointer) throws -> (Bool, Int?) {
        try ASN1.withExtension(x509, nid: NID_basic_constraints, name: "basic constraints",
                               free: { BASIC_CONSTRAINTS_free($0.assumingMemoryBound(to: BASIC_CONSTRAINTS.self)) }) { raw, _ in
            let constraints = raw.assumingMemoryBound(to: BASIC_CONSTRAINTS.self).pointee
            var pathLength: Int?
            if let length = constraints.pathlen {
                var value: Int64 = 0
                guard ASN1_INTEGER_get_int64(&value, length) == 1, value >= 0, value <= Int64(Int32.max) else {
                    throw CryptoError.openSSL("the basic constraints path length is out of range")
                }
                pathLength = Int(value)
            }
            return (constraints.ca != 0, pathLength)
        } ?? (false, nil)
    }

    private static func extendedKeyUsage(_ x509: OpaquePointer) throws -> (Bool, Bool, [String]) {
        try ASN1.withExtension(x509, nid: NID_ext_key_usage, name: "extended key usage",
                               free: { airlock_extended_key_usage_free(OpaquePointer($0)) }) { raw, critical in
            let usages = OpaquePointer(raw)
            let oids = (0..<airlock_sk_asn1_object_num(usages)).compactMap { index in
                airlock_sk_asn1_object_value(usages, index).map(ASN1.dottedOID)
            }
            return (true, critical, oids)
        } ?? (false, false, [])
    }
}
