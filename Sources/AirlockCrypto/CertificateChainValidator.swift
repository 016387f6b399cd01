import COpenSSL
import Foundation

/// RFC 5280 path validation at an explicit time against explicit trust anchors, with the
/// extended-key-usage rules Sigstore applies (FORMATS.md §8.5, §8.7).
///
/// - Only `roots` are trusted; the system store is never consulted. Any certificate passed as
///   a root is an anchor even when it is not self-signed (Go's semantics); `intermediates`
///   are never anchors.
/// - Every certificate must satisfy `notBefore ≤ time ≤ notAfter` (both ends inclusive).
/// - The leaf must list `requiredExtendedKeyUsage` (or anyExtendedKeyUsage); a leaf without
///   the extension is rejected. Every other certificate in the chain that has the extension
///   must allow the usage or anyExtendedKeyUsage.
/// - Unknown critical extensions are rejected (as Go does); OpenSSL understands the SAN
///   extension, including otherName entries, so a critical SAN is accepted.
public struct CertificateChainValidator: Sendable {
    public let roots: [Certificate]
    public let intermediates: [Certificate]
    /// Dotted OID, e.g. `ExtendedKeyUsage.codeSigning`.
    public let requiredExtendedKeyUsage: String

    public init(roots: [Certificate], intermediates: [Certificate] = [], requiredExtendedKeyUsage: String) {
        self.roots = roots
        self.intermediates = intermediates
        self.requiredExtendedKeyUsage = requiredExtendedKeyUsage
    }

    /// The validated chain, leaf first and trust anchor last; throws a `CryptoError` naming the
    /// failed check otherwise.
    public func validate(_ leaf: Certificate, at time: Date) throws -> [Certificate] {
        guard !roots.isEmpty else { throw CryptoError("no trusted root certificate to validate against") }
        let store = try X509StoreHandle(trusting: roots)
        let untrusted = try X509Stack(intermediates)
        guard let context = X509_STORE_CTX_new() else { throw CryptoError.openSSL("out of memory") }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store.pointer, leaf.pointer, untrusted.pointer) == 1 else {
            throw CryptoError.openSSL("cannot start certificate path validation")
        }
        guard let parameters = X509_STORE_CTX_get0_param(context) else { throw CryptoError.openSSL("out of memory") }
        X509StoreHandle.configure(parameters, at: time)
        X509_STORE_CTX_set_verify_cb(context) { ok, context in X509StoreHandle.acceptInclusiveNotAfter(ok, context) }
        guard X509_verify_cert(context) == 1 else {
            let failure = describeFailure(context, leaf: leaf, at: time)
            OpenSSLErrorQueue.clear()
            throw failure
        }
        guard let built = X509_STORE_CTX_get1_chain(context) else { throw CryptoError.openSSL("empty certificate chain") }
        defer { airlock_sk_x509_pop_free(built) }
        let known = [leaf] + roots + intermediates
        var chain: [Certificate] = []
        for index in 0..<airlock_sk_x509_num(built) {
            guard let x509 = airlock_sk_x509_value(built, index) else { continue }
            if let certificate = known.first(where: { $0.pointer == x509 }) {
                chain.append(certificate)
            } else {
                X509_up_ref(x509)
                chain.append(try Certificate(taking: x509))
            }
        }
        try checkValidity(chain, at: time)
        try checkExtendedKeyUsage(chain)
        return chain
    }

    /// OpenSSL compares at whole seconds; a fractional `time` just past `notAfter` is caught here.
    private func checkValidity(_ chain: [Certificate], at time: Date) throws {
        for (depth, certificate) in chain.enumerated() {
            if time < certificate.notBefore { throw Self.notYetValid(certificate, depth: depth, at: time) }
            if time > certificate.notAfter { throw Self.expired(certificate, depth: depth, at: time) }
        }
    }

    private func checkExtendedKeyUsage(_ chain: [Certificate]) throws {
        let required = requiredExtendedKeyUsage
        guard let leaf = chain.first else { return }
        guard leaf.hasExtendedKeyUsage else {
            throw CryptoError("the leaf certificate has no extended key usage extension (\(ExtendedKeyUsage.name(required)) is required)")
        }
        guard leaf.extendedKeyUsages.contains(required) || leaf.extendedKeyUsages.contains(ExtendedKeyUsage.any) else {
            throw CryptoError("the leaf certificate does not allow \(ExtendedKeyUsage.name(required)); it allows \(leaf.extendedKeyUsages.joined(separator: ", "))")
        }
        for (depth, certificate) in chain.enumerated().dropFirst() where certificate.hasExtendedKeyUsage {
            let usages = certificate.extendedKeyUsages
            guard usages.contains(required) || usages.contains(ExtendedKeyUsage.any) else {
                throw CryptoError("\(Self.label(certificate, depth: depth)) restricts extended key usage to \(usages.joined(separator: ", ")), which excludes \(ExtendedKeyUsage.name(required))")
            }
        }
    }

    private func describeFailure(_ context: OpaquePointer, leaf: Certificate, at time: Date) -> CryptoError {
        let code = X509_STORE_CTX_get_error(context)
        let depth = Int(X509_STORE_CTX_get_error_depth(context))
        let current = X509_STORE_CTX_get_current_cert(context)
        let certificate: Certificate? = if let current {
            ([leaf] + roots + intermediates).first { $0.pointer == current }
        } else { nil }
        let name = certificate.map { Self.label($0, depth: depth) } ?? "the certificate at depth \(depth)"
        switch code {
        case X509_V_ERR_CERT_HAS_EXPIRED:
            if let certificate { return Self.expired(certificate, depth: depth, at: time) }
        case X509_V_ERR_CERT_NOT_YET_VALID:
            if let certificate { return Self.notYetValid(certificate, depth: depth, at: time) }
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
            let issuer = certificate.map { " \"\($0.issuer)\"" } ?? ""
            return CryptoError("unable to get the issuer\(issuer) of \(name): it is neither a trusted root nor a configured intermediate")
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return CryptoError("\(name) is self-signed and not a trusted root")
        default:
            break
        }
        let reason = X509_verify_cert_error_string(Int(code)).map { String(cString: $0) } ?? "error \(code)"
        return CryptoError("certificate chain does not validate at \(time.rfc3339): \(reason) (\(name))")
    }

    static func expired(_ certificate: Certificate, depth: Int, at time: Date) -> CryptoError {
        CryptoError("\(label(certificate, depth: depth)) expired at \(certificate.notAfter.rfc3339), before the validation time \(time.rfc3339)")
    }

    static func notYetValid(_ certificate: Certificate, depth: Int, at time: Date) -> CryptoError {
        CryptoError("\(label(certificate, depth: depth)) is not valid before \(certificate.notBefore.rfc3339), after the validation time \(time.rfc3339)")
    }

    static func label(_ certificate: Certificate, depth: Int) -> String {
        if depth == 0 { return "the leaf certificate" }
        return certificate.subject.isEmpty ? "the certificate at depth \(depth)" : "certificate \"\(certificate.subject)\""
    }
}

/// Owns one `X509_STORE` holding only the given trust anchors.
final class X509StoreHandle {
    let pointer: OpaquePointer

    init(trusting roots: [Certificate]) throws {
        guard let store = X509_STORE_new() else { throw CryptoError.openSSL("out of memory") }
        pointer = store
        for root in roots {
            guard X509_STORE_add_cert(store, root.pointer) == 1 else {
                throw CryptoError.openSSL("cannot add a trusted root certificate")
            }
        }
    }

    deinit { X509_STORE_free(pointer) }

    /// Validation at `time` (whole seconds, rounded down), trusted certificates first, any
    /// trusted certificate an anchor, no purpose (extended key usages are checked by the caller).
    static func configure(_ parameters: OpaquePointer, at time: Date) {
        X509_VERIFY_PARAM_set_time(parameters, time_t(time.wholeSecondsSince1970))
        X509_VERIFY_PARAM_set_flags(parameters, UInt(X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_TRUSTED_FIRST))
    }

    /// OpenSSL treats a certificate as expired when `notAfter` equals the validation time; RFC
    /// 5280 and Go include that instant. This verify callback forgives exactly that case.
    static func acceptInclusiveNotAfter(_ ok: Int32, _ context: OpaquePointer?) -> Int32 {
        guard ok == 0, let context, X509_STORE_CTX_get_error(context) == X509_V_ERR_CERT_HAS_EXPIRED,
              let certificate = X509_STORE_CTX_get_current_cert(context),
              let parameters = X509_STORE_CTX_get0_param(context),
              let notAfter = X509_get0_notAfter(certificate),
              ASN1_TIME_cmp_time_t(notAfter, X509_VERIFY_PARAM_get_time(parameters)) == 0 else { return ok }
        X509_STORE_CTX_set_error(context, X509_V_OK)
        return 1
    }
}
