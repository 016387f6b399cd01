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
        try ASN1.withExtension(x509, nid: NID_subject_alt_name, name: "subject alternative name",
                               free: { airlock_general_names_free(OpaquePointer($0)) }) { raw, _ in
            let names = OpaquePointer(raw)
            return try (0..<airlock_sk_general_name_num(names)).compactMap { index in
                try airlock_sk_general_name_value(names, index).flatMap(entry)
            }
        } ?? []
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

    /// Text as Go's `net.IP.String` writes it (an IPv4-mapped IPv6 address prints as IPv4).
    private static func ipAddress(_ bytes: Data) throws -> String {
        let mappedPrefix = Data(repeating: 0, count: 10) + Data([0xff, 0xff])
        if bytes.count == 16, bytes.prefix(12) == mappedPrefix { return try ipAddress(Data(bytes.suffix(4))) }
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

extension SubjectAlternativeName {
    /// A new `GENERAL_NAMES` holding `names`, owned by the caller.
    static func makeGeneralNames(_ names: [SubjectAlternativeName]) throws -> OpaquePointer {
        guard let list = airlock_general_names_new() else { throw CryptoError.openSSL("out of memory") }
        do {
            for name in names {
                guard let entry = GENERAL_NAME_new() else { throw CryptoError.openSSL("out of memory") }
                do {
                    try name.fill(entry)
                } catch {
                    GENERAL_NAME_free(entry)
                    throw error
                }
                guard airlock_sk_general_name_push(list, entry) > 0 else {
                    GENERAL_NAME_free(entry)
                    throw CryptoError.openSSL("out of memory")
                }
            }
        } catch {
            airlock_general_names_free(list)
            throw error
        }
        return list
    }

    private func fill(_ entry: UnsafeMutablePointer<GENERAL_NAME>) throws {
        switch self {
        case .uri(let text): GENERAL_NAME_set0_value(entry, GEN_URI, try ASN1.string(V_ASN1_IA5STRING, Data(text.utf8)))
        case .email(let text): GENERAL_NAME_set0_value(entry, GEN_EMAIL, try ASN1.string(V_ASN1_IA5STRING, Data(text.utf8)))
        case .dns(let text): GENERAL_NAME_set0_value(entry, GEN_DNS, try ASN1.string(V_ASN1_IA5STRING, Data(text.utf8)))
        case .ipAddress(let text): GENERAL_NAME_set0_value(entry, GEN_IPADD, try ASN1.string(V_ASN1_OCTET_STRING, Self.addressBytes(text)))
        case .otherName(let oid, let text):
            guard let text else { throw CryptoError("an otherName needs a UTF8String value to be issued") }
            let object = try ASN1.object(dotted: oid)
            guard let value = ASN1_TYPE_new() else {
                ASN1_OBJECT_free(object)
                throw CryptoError.openSSL("out of memory")
            }
            do {
                ASN1_TYPE_set(value, V_ASN1_UTF8STRING, try ASN1.string(V_ASN1_UTF8STRING, Data(text.utf8)))
            } catch {
                ASN1_OBJECT_free(object)
                ASN1_TYPE_free(value)
                throw error
            }
            guard GENERAL_NAME_set0_othername(entry, object, value) == 1 else {
                ASN1_OBJECT_free(object)
                ASN1_TYPE_free(value)
                throw CryptoError.openSSL("cannot build an otherName")
            }
        }
    }

    private static func addressBytes(_ text: String) throws -> Data {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Data($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Data($0) } }
        throw CryptoError("\"\(text.prefix(60))\" is not an IP address")
    }
}
