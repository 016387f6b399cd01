import COpenSSL
import Foundation

/// Owns one `X509`; the single place it is freed.
final class X509Handle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { X509_free(pointer) }
}

/// Owns one `STACK_OF(X509)` holding its own reference to each certificate.
final class X509Stack {
    let pointer: OpaquePointer

    init(_ certificates: [Certificate]) throws {
        pointer = try X509Stack.retainedStack(certificates)
    }

    deinit { airlock_sk_x509_pop_free(pointer) }

    /// A new stack holding a reference to each certificate, for APIs that take ownership of it.
    static func retainedStack(_ certificates: [Certificate]) throws -> OpaquePointer {
        guard let stack = airlock_sk_x509_new_null() else { throw CryptoError.openSSL("out of memory") }
        for certificate in certificates {
            X509_up_ref(certificate.pointer)
            guard airlock_sk_x509_push(stack, certificate.pointer) > 0 else {
                X509_free(certificate.pointer)
                airlock_sk_x509_pop_free(stack)
                throw CryptoError.openSSL("out of memory")
            }
        }
        return stack
    }
}

/// Conversions of small OpenSSL ASN.1 values into Swift values.
enum ASN1 {
    /// The dotted form of an object identifier, e.g. `1.3.6.1.5.5.7.3.3`.
    static func dottedOID(_ object: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 128)
        let needed = Int(OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1))
        if needed >= buffer.count {
            buffer = [CChar](repeating: 0, count: needed + 1)
            _ = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 1)
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A new object for a dotted identifier; only numeric forms are accepted.
    static func object(dotted oid: String) throws -> OpaquePointer {
        guard !oid.isEmpty, oid.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let object = OBJ_txt2obj(oid, 1) else {
            OpenSSLErrorQueue.clear()
            throw CryptoError("\"\(oid.prefix(80))\" is not a dotted object identifier")
        }
        return object
    }

    /// The bytes of an ASN.1 string (OCTET STRING, IA5String, UTF8String, INTEGER magnitude, ...).
    static func bytes(_ string: UnsafePointer<ASN1_STRING>) -> Data {
        let length = Int(ASN1_STRING_length(string))
        guard length > 0, let data = ASN1_STRING_get0_data(string) else { return Data() }
        return Data(bytes: data, count: length)
    }

    /// Decodes one DER value that spans all of `der` with an OpenSSL `d2i_*` function; the
    /// caller owns the result. Oversized input and trailing bytes are errors.
    static func decodeWhole(_ der: Data, maximumSize: Int, what: String,
                            decode: (inout UnsafePointer<UInt8>?, Int) -> OpaquePointer?,
                            free: (OpaquePointer) -> Void) throws -> OpaquePointer {
        guard der.count <= maximumSize else { throw CryptoError("\(what) is larger than \(maximumSize) bytes") }
        let parsed = der.withUnsafeBytes { decodeWhole($0, decode: decode, free: free) }
        guard let parsed else { throw CryptoError.openSSL("not a DER \(what) (or trailing bytes follow it)") }
        return parsed
    }

    /// Decodes one DER value that spans all of `bytes`, in place (secret bytes are not
    /// copied); nil when it does not decode or trailing bytes follow it. The caller owns the result.
    static func decodeWhole(_ bytes: UnsafeRawBufferPointer,
                            decode: (inout UnsafePointer<UInt8>?, Int) -> OpaquePointer?,
                            free: (OpaquePointer) -> Void) -> OpaquePointer? {
        guard let start = bytes.bindMemory(to: UInt8.self).baseAddress else { return nil }
        var cursor: UnsafePointer<UInt8>? = start
        guard let value = decode(&cursor, bytes.count) else { return nil }
        guard cursor == start + bytes.count else {
            free(value)
            return nil
        }
        return value
    }

    /// Reads the extension `nid` of `x509` decoded by OpenSSL, then frees the decoded value;
    /// nil when the certificate does not have it. `read` gets the value and its criticality.
    static func withExtension<T>(_ x509: OpaquePointer, nid: Int32, name: String, free: (UnsafeMutableRawPointer) -> Void,
                                 _ read: (UnsafeMutableRawPointer, Bool) throws -> T) throws -> T? {
        var critical: Int32 = 0
        guard let value = X509_get_ext_d2i(x509, nid, &critical, nil) else {
            if critical == -1 { return nil }
            throw CryptoError.openSSL("the \(name) extension is malformed or repeated")
        }
        defer { free(value) }
        return try read(value, critical == 1)
    }

    /// A new ASN.1 string of `type` (`V_ASN1_OCTET_STRING`, `V_ASN1_IA5STRING`, ...) holding
    /// `bytes`, owned by the caller.
    static func string(_ type: Int32, _ bytes: Data) throws -> UnsafeMutablePointer<ASN1_STRING> {
        guard let string = ASN1_STRING_type_new(type) else { throw CryptoError.openSSL("out of memory") }
        guard bytes.withUnsafeBytes({ ASN1_STRING_set(string, $0.baseAddress, Int32($0.count)) }) == 1 else {
            ASN1_STRING_free(string)
            throw CryptoError.openSSL("out of memory")
        }
        return string
    }

    /// A new non-negative INTEGER with the big-endian magnitude `bytes`, owned by the caller.
    static func integer(_ bytes: Data) throws -> UnsafeMutablePointer<ASN1_INTEGER> {
        let bignum = bytes.withUnsafeBytes { BN_bin2bn($0.bindMemory(to: UInt8.self).baseAddress, Int32($0.count), nil) }
        guard let bignum else { throw CryptoError.openSSL("out of memory") }
        defer { BN_free(bignum) }
        guard let integer = BN_to_ASN1_INTEGER(bignum, nil) else { throw CryptoError.openSSL("out of memory") }
        return integer
    }

    /// An RFC 2253 distinguished name, most specific attribute first, UTF-8 left unescaped.
    static func distinguishedName(_ name: OpaquePointer) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.openSSL("out of memory") }
        defer { BIO_free(bio) }
        let flags = airlock_xn_flag_rfc2253() & ~UInt(ASN1_STRFLGS_ESC_MSB)
        guard X509_NAME_print_ex(bio, name, 0, flags) >= 0 else {
            throw CryptoError.openSSL("cannot print a distinguished name")
        }
        var text: UnsafeMutablePointer<CChar>?
        let length = airlock_bio_get_mem_data(bio, &text)
        guard length > 0, let text else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
    }

    /// The instant an `ASN1_TIME` (UTCTime or GeneralizedTime) names, to the second.
    static func date(_ time: UnsafePointer<ASN1_TIME>) throws -> Date {
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { throw CryptoError.openSSL("invalid certificate time") }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }

    /// DER produced by an OpenSSL `i2d_*` call.
    static func der(_ context: String, _ encode: (inout UnsafeMutablePointer<UInt8>?) -> Int32) throws -> Data {
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = encode(&buffer)
        guard length > 0, let buffer else { throw CryptoError.openSSL(context) }
        defer { airlock_openssl_free(buffer) }
        return Data(bytes: buffer, count: Int(length))
    }
}

extension Date {
    /// Whole seconds since 1970 (rounded down), clamped to ±10^12 so that no date traps.
    var wholeSecondsSince1970: Int {
        let seconds = timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite else { return seconds > 0 ? 1_000_000_000_000 : -1_000_000_000_000 }
        return Int(min(max(seconds, -1e12), 1e12))
    }

    /// RFC 3339 in UTC, with fractional seconds only when there are any (for messages).
    var rfc3339: String {
        let fractional = timeIntervalSince1970.rounded(.down) != timeIntervalSince1970
        return formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: fractional))
    }
}
