import COpenSSL
import Foundation

/// An RFC 3161 time-stamping authority that answers at a chosen time, built on OpenSSL's
/// `TS_RESP_CTX`: for the test kit's private Sigstore and for organisations running their own.
/// OpenSSL refuses a signer certificate that is not fit for time stamping (extended key usage
/// time stamping only, and critical).
public struct TimestampIssuer: Sendable {
    public let certificate: Certificate
    public let key: PrivateKey
    /// Certificates embedded with the signer's (intermediates, root), when certificates are embedded.
    public var chain: [Certificate]
    /// Dotted TSA policy OID.
    public var policy = "1.3.6.1.4.1.57264.2"
    /// Whether the token embeds the signer certificate and `chain`, in DER order: the
    /// SignedData `certificates` are a SET OF, whose DER encoding sorts its elements (X.690
    /// §11.6), while OpenSSL writes them in the order given, the signer's first; strict DER
    /// readers such as sigstore-python's refuse that order.
    public var embedsCertificates = true
    /// The message imprint hash.
    public var hashAlgorithm = DigestAlgorithm.sha256

    public init(certificate: Certificate, key: PrivateKey, chain: [Certificate] = []) throws {
        guard key.publicKey == certificate.publicKey else {
            throw CryptoError("the TSA key does not belong to the TSA certificate")
        }
        self.certificate = certificate
        self.key = key
        self.chain = chain
    }

    /// A DER `TimeStampResp` over `message` with `genTime` (microsecond precision). A status
    /// of `grantedWithModifications` keeps the token; the other non-granted statuses produce a
    /// response without a token, as a refusing TSA does.
    public func timestamp(_ message: Data, at genTime: Date, serialNumber: Data = Data([1]), nonce: Data? = nil,
                          status: TimestampStatus = .granted) throws -> Data {
        switch status {
        case .granted:
            return try grantedResponse(message, at: genTime, serialNumber: serialNumber, nonce: nonce)
        case .grantedWithModifications:
            let granted = try grantedResponse(message, at: genTime, serialNumber: serialNumber, nonce: nonce)
            return try Self.replacingStatus(of: granted, with: status)
        default:
            guard let response = TS_RESP_new() else { throw CryptoError.openSSL("out of memory") }
            defer { TS_RESP_free(response) }
            try Self.setStatus(status, of: response)
            return try ASN1.der("cannot encode a timestamp response") { i2d_TS_RESP(response, &$0) }
        }
    }

    private func grantedResponse(_ message: Data, at genTime: Date, serialNumber: Data, nonce: Data?) throws -> Data {
        let context = try TimestampResponseContext()
        let clock = IssuanceValues(genTime: genTime, serialNumber: serialNumber)
        let policyObject = try ASN1.object(dotted: policy)
        defer { ASN1_OBJECT_free(policyObject) }
        guard TS_RESP_CTX_set_signer_cert(context.pointer, certificate.pointer) == 1,
              TS_RESP_CTX_set_signer_key(context.pointer, key.key.pointer) == 1 else {
            throw CryptoError.openSSL("the TSA certificate cannot sign timestamps")
        }
        guard TS_RESP_CTX_set_signer_digest(context.pointer, key.defaultSigningDigest ?? EVP_sha256()) == 1,
              TS_RESP_CTX_set_ess_cert_id_digest(context.pointer, EVP_sha256()) == 1,
              TS_RESP_CTX_set_def_policy(context.pointer, policyObject) == 1,
              TS_RESP_CTX_add_md(context.pointer, hashAlgorithm.evpMD) == 1,
              TS_RESP_CTX_set_clock_precision_digits(context.pointer, 6) == 1 else {
            throw CryptoError.openSSL("cannot configure the timestamp authority")
        }
        TS_RESP_CTX_add_flags(context.pointer, TS_TSA_NAME)
        let values = Unmanaged.passUnretained(clock).toOpaque()
        TS_RESP_CTX_set_time_cb(context.pointer, { _, data, seconds, microseconds in
            guard let data, let seconds, let microseconds else { return 0 }
            let clock = Unmanaged<IssuanceValues>.fromOpaque(data).takeUnretainedValue()
            seconds.pointee = clock.seconds
            microseconds.pointee = clock.microseconds
            return 1
        }, values)
        TS_RESP_CTX_set_serial_cb(context.pointer, { _, data in
            guard let data else { return nil }
            return Unmanaged<IssuanceValues>.fromOpaque(data).takeUnretainedValue().makeSerialNumber()
        }, values)
        let request = try requestBIO(message, nonce: nonce)
        defer { BIO_free(request) }
        let created = withExtendedLifetime(clock) { TS_RESP_create_response(context.pointer, request) }
        guard let response = created else { throw CryptoError.openSSL("the TSA could not answer") }
        defer { TS_RESP_free(response) }
        if embedsCertificates { try embedCertificates(in: response) }
        let der = try ASN1.der("cannot encode a timestamp response") { i2d_TS_RESP(response, &$0) }
        do {
            _ = try TimestampToken(der: der)
        } catch let error as CryptoError {
            throw CryptoError("the TSA refused to issue a timestamp: \(error.message) (\(OpenSSLErrorQueue.drain().joined(separator: "; ")))")
        }
        return der
    }

    /// Adds the signer certificate and `chain` to the token, sorted by their DER encodings.
    /// They are not signed (the request asks for none), so adding them after signing is sound.
    private func embedCertificates(in response: OpaquePointer) throws {
        guard let token = TS_RESP_get_token(response) else { throw CryptoError.openSSL("the timestamp response has no token") }
        for embedded in ([certificate] + chain).sorted(by: { $0.der.lexicographicallyPrecedes($1.der) }) {
            guard PKCS7_add_certificate(token, embedded.pointer) == 1 else { throw CryptoError.openSSL("cannot embed a TSA certificate") }
        }
    }

    /// A memory BIO holding a DER `TimeStampReq` for `message` (`certReq` false), owned by the caller.
    private func requestBIO(_ message: Data, nonce: Data?) throws -> OpaquePointer {
        guard let request = TS_REQ_new() else { throw CryptoError.openSSL("out of memory") }
        defer { TS_REQ_free(request) }
        guard let imprint = TS_MSG_IMPRINT_new() else { throw CryptoError.openSSL("out of memory") }
        defer { TS_MSG_IMPRINT_free(imprint) }
        guard let algorithm = X509_ALGOR_new() else { throw CryptoError.openSSL("out of memory") }
        defer { X509_ALGOR_free(algorithm) }
        X509_ALGOR_set_md(algorithm, hashAlgorithm.evpMD)
        var digest = [UInt8](Digest.of(message, algorithm: hashAlgorithm).bytes)
        guard TS_REQ_set_version(request, 1) == 1,
              TS_MSG_IMPRINT_set_algo(imprint, algorithm) == 1,
              TS_MSG_IMPRINT_set_msg(imprint, &digest, Int32(digest.count)) == 1,
              TS_REQ_set_msg_imprint(request, imprint) == 1,
              TS_REQ_set_cert_req(request, 0) == 1 else {
            throw CryptoError.openSSL("cannot build a timestamp request")
        }
        if let nonce {
            let integer = try ASN1.integer(nonce)
            defer { ASN1_INTEGER_free(integer) }
            guard TS_REQ_set_nonce(request, integer) == 1 else { throw CryptoError.openSSL("cannot set the nonce") }
        }
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.openSSL("out of memory") }
        guard i2d_TS_REQ_bio(bio, request) == 1 else {
            BIO_free(bio)
            throw CryptoError.openSSL("cannot encode a timestamp request")
        }
        return bio
    }

    private static func replacingStatus(of der: Data, with status: TimestampStatus) throws -> Data {
        let response = try TimestampResponseHandle(der: der)
        try setStatus(status, of: response.pointer)
        return try ASN1.der("cannot encode a timestamp response") { i2d_TS_RESP(response.pointer, &$0) }
    }

    private static func setStatus(_ status: TimestampStatus, of response: OpaquePointer) throws {
        guard let info = TS_STATUS_INFO_new() else { throw CryptoError.openSSL("out of memory") }
        defer { TS_STATUS_INFO_free(info) }
        guard TS_STATUS_INFO_set_status(info, Int32(status.rawValue)) == 1,
              TS_RESP_set_status_info(response, info) == 1 else {
            throw CryptoError.openSSL("cannot set the timestamp status")
        }
    }
}

/// The values OpenSSL's time and serial callbacks read while a response is created.
private final class IssuanceValues {
    let seconds: Int
    let microseconds: Int
    let serialNumber: Data

    init(genTime: Date, serialNumber: Data) {
        seconds = genTime.wholeSecondsSince1970
        let fraction = genTime.timeIntervalSince1970 - Double(seconds)
        microseconds = fraction.isFinite ? min(max(Int((fraction * 1_000_000).rounded()), 0), 999_999) : 0
        self.serialNumber = serialNumber
    }

    func makeSerialNumber() -> UnsafeMutablePointer<ASN1_INTEGER>? {
        try? ASN1.integer(serialNumber)
    }
}

/// Owns one `TS_RESP_CTX`.
private final class TimestampResponseContext {
    let pointer: OpaquePointer

    init() throws {
        guard let context = TS_RESP_CTX_new() else { throw CryptoError.openSSL("out of memory") }
        pointer = context
    }

    deinit { TS_RESP_CTX_free(pointer) }
}
