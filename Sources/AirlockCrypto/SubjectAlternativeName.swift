import COpenSSL
import Foundation

/// One entry of a certificate's subject alternative name extension. Kinds other than these
/// (directory names, registered IDs, X.400 and EDI names) are not listed.
public enum SubjectAlternativeName: Sendable, Hashable, CustomStringConvertible {
    case uri(String)
    case email(String)
    case dns(String)
    /// Dotted IPv4 or RFC 5952 IPv6 text.
    case ipAddress(String)
    /// `otherName`: its type identifier and, when the value is a UTF8String, its text
    /// (Fulcio's `1.3.6.1.4.1.57264.1.7` holds `[0] EXPLICIT UTF8String`).
    case otherName(oid: String, utf8Value: String?)

    /// Fulcio's otherName type for identities that are neither a URI nor an email address.
    public static let fulcioUsernameOID = "1.3.6.1.4.1.57264.1.7"

    /// The name as text (nil for an otherName whose value is not a UTF8String).
    public var value: String? {
        switch self {
        case .uri(let text), .email(let text), .dns(let text), .ipAddress(let text): text
        case .otherName(_, let text): text
        }
    }

    public var description: String {
        switch self {
        case .uri(let text): "URI:\(text)"
        case .email(let text): "email:\(text)"
        case .dns(let text): "DNS:\(text)"
        case .ipAddress(let text): "IP:\(text)"
        case .otherName(let oid, let text): "otherName:\(oid):\(text ?? "<not UTF8String>")"
        }
    }

    /// The entries of the subject alternative name extension of `x509`, in certificate order.
    static func all(in x509: OpaquePointer) throws -> [SubjectAlternativeName] {
        var critical: Int32 = 0
        guard let raw = X509_get_ext_d2i(x509, NID_subject_alt_name, &critical, nil) else {
            if critical == -1 { return [] }
            throw CryptoError.openSSL("the subject alternative name extension is malformed or repeated")
        }
        let names = OpaquePointer(raw)
        defer { airlock_general_names_free(names) }
        var entries: [SubjectAlternativeName] = []
        for index in 0..<airlock_sk_general_name_num(names) {
            guard let name = airlock_sk_general_name_value(names, index) else { continue }
            if let entry = try entry(name) { entries.append(entry) }
        }
        return entries
    }

    static func entry(_ name: UnsafeMutablePointer<GENERAL_NAME>) throws -> SubjectAlternativeName? {
        var kind: Int32 = -1
        guard let value = GENERAL_NAME_get0_value(name, &kind) else { return nil }
        switch kind {
        case GEN_URI: return .uri(try ia5(value, "URI"))
        case GEN_EMAIL: return .email(try ia5(value, "email"))
        case GEN_DNS: return .dns(try ia5(value, "DNS"))
        case GEN_IPADD: return .ipAddress(try ipAddress(ASN1.bytes(value.assumingMemoryBound(to: ASN1_STRING.self))))
        case GEN_OTHERNAME:
            var oid: OpaquePointer?
            var other: UnsafeMutablePointer<ASN1_TYPE>?
            guard GENERAL_NAME_get0_otherName(name, &oid, &other) == 1, let oid else {
                throw CryptoError("a subject alternative otherName is malformed")
            }
            var text: String?
            if let other, ASN1_TYPE_get(other) == V_ASN1_UTF8STRING, let string = other.pointee.value.utf8string {
                guard let decoded = String(validating: ASN1.bytes(string), as: UTF8.self) else {
                    throw CryptoError("a subject alternative otherName UTF8String is not valid UTF-8")
                }
                text = decoded
            }
            return .otherName(oid: ASN1.dottedOID(oid), utf8Value: text)
        default:
            return nil
        }
    }

    private static func ia5(_ value: UnsafeMutableRawPointer, _ kind: String) throws -> String {
        let bytes = ASN1.bytes(value.assumingMemoryBound(to: ASN1_STRING.self))
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            throw CryptoError("a subject alternative \(kind) name is not ASCII")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func ipAddress(_ bytes: Data) throws -> String {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: throw CryptoError("a subject alternative IP address has \(bytes.count) bytes")
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { raw in
            inet_ntop(family, raw.baseAddress, &text, socklen_t(text.count))
        }
        guard written != nil else { throw CryptoError("a subject alternative IP address cannot be printed") }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
