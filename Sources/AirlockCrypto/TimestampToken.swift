import COpenSSL
import Foundation

/// The `PKIStatus` of an RFC 3161 response.
public enum TimestampStatus: Int, Sendable, CustomStringConvertible {
    case granted = 0
    case grantedWithModifications = 1
    case rejection = 2
    case waiting = 3
    case revocationWarning = 4
    case revocationNotification = 5

    public var description: String {
        switch self {
        case .granted: "granted"
        case .grantedWithModifications: "grantedWithMods"
        case .rejection: "rejection"
        case .waiting: "waiting"
        case .revocationWarning: "revocationWarning"
        case .revocationNotification: "revocationNotification"
        }
    }
}

/// A granted RFC 3161 `TimeStampResp` (FORMATS.md §8.7), parsed by OpenSSL. Parsing rejects
/// trailing bytes, any status other than granted (0), and SHA-1 or unknown imprint hashes.
/// No OpenSSL object is kept: verification parses the DER again, so values are shareable.
public struct TimestampToken: Sendable {
    /// The DER `TimeStampResp`.
    public let der: Data
    /// `genTime`, including fractional seconds when the TSA wrote them.
    public let genTime: Date
    /// The hash of the message imprint.
    public let hashAlgorithm: DigestAlgorithm
    /// `hashedMessage` of the message imprint.
    public let messageImprint: Data
    /// Dotted TSA policy OID.
    public let policy: String
    /// Serial number magnitude, big-endian.
    public let serialNumber: Data
    public let nonce: Data?
    /// The TSA name, when present: an RFC 2253 name for a directory name, else its text.
    public let tsaName: String?
    /// Certificates embedded in the token, in order.
    public let certificates: [Certificate]

    /// The largest DER response accepted.
    public static let maximumDERSize = 256 * 1024

    public init(der: Data) throws {
        let response = try TimestampResponseHandle(der: der)
        let parsed = response.pointer
        self.der = der
        try TimestampToken.requireGranted(parsed)
        guard let info = TS_RESP_get_tst_info(parsed), let token = TS_RESP_get_token(parsed) else {
            throw CryptoError("granted timestamp response has no token")
        }
        guard let imprint = TS_TST_INFO_get_msg_imprint(info), let algorithm = TS_MSG_IMPRINT_get_algo(imprint),
              let hashed = TS_MSG_IMPRINT_get_msg(imprint) else {
            throw CryptoError.openSSL("timestamp has no message imprint")
        }
        hashAlgorithm = try TimestampToken.imprintAlgorithm(algorithm)
        messageImprint = ASN1.bytes(hashed)
        guard messageImprint.count == hashAlgorithm.byteCount else {
            throw CryptoError("timestamp message imprint has \(messageImprint.count) bytes, not \(hashAlgorithm.byteCount) for \(hashAlgorithm.rawValue)")
        }
        guard let time = TS_TST_INFO_get_time(info) else { throw CryptoError("timestamp has no genTime") }
        genTime = try TimestampToken.generalizedTime(time)
        guard let policyObject = TS_TST_INFO_get_policy_id(info), let serial = TS_TST_INFO_get_serial(info) else {
            throw CryptoError("timestamp has no policy or serial number")
        }
        policy = ASN1.dottedOID(policyObject)
        serialNumber = Data(ASN1.bytes(serial).drop { $0 == 0 })
        nonce = TS_TST_INFO_get_nonce(info).map { ASN1.bytes($0) }
        tsaName = try TS_TST_INFO_get_tsa(info).flatMap(TimestampToken.nameText)
        certificates = try TimestampToken.embeddedCertificates(token)
        OpenSSLErrorQueue.clear()
    }

    /// Verifies the token over `message` (for Sigstore, the raw signature bytes) against one
    /// TSA and returns `genTime`. Checks, in order: the signer (found among the embedded
    /// certificates and the configured leaf) equals the configured leaf if there is one;
    /// the signer is not a CA and has a critical extended key usage extension listing only
    /// time stamping; it chains to the TSA root at `genTime` through the configured
    /// intermediates and the embedded certificates; the imprint is the hash of `message`; the
    /// CMS signature, ESS signing-certificate binding and imprint verify in OpenSSL's TS API.
    /// The TSA's `validFor` window is the caller's to check.
    @discardableResult
    public func verify(message: Data, authority: TimestampAuthorityChain) throws -> Date {
        let response = try TimestampResponseHandle(der: der)
        guard let token = TS_RESP_get_token(response.pointer) else { throw CryptoError("timestamp has no token") }
        let signer = try signerCertificate(token, authority: authority)
        if let leaf = authority.leaf, leaf != signer {
            throw CryptoError("timestamp was signed by \(signer), not by the trusted TSA leaf \(leaf)")
        }
        guard !signer.isCA else { throw CryptoError("the TSA signing certificate is a CA") }
        guard signer.hasExtendedKeyUsage, signer.isExtendedKeyUsageCritical else {
            throw CryptoError("the TSA signing certificate's extended key usage extension is \(signer.hasExtendedKeyUsage ? "not critical" : "missing")")
        }
        guard signer.extendedKeyUsages == [ExtendedKeyUsage.timeStamping] else {
            throw CryptoError("the TSA signing certificate must have exactly one extended key usage, time stamping; it has \(signer.extendedKeyUsages.joined(separator: ", "))")
        }
        let pool = authority.intermediates + certificates.filter { $0 != signer }
        do {
            _ = try CertificateChainValidator(roots: [authority.root], intermediates: pool,
                                              requiredExtendedKeyUsage: ExtendedKeyUsage.timeStamping)
                .validate(signer, at: genTime)
        } catch let error as CryptoError {
            throw CryptoError("TSA certificate chain at genTime \(genTime.rfc3339): \(error.message)")
        }
        let digest = Digest.of(message, algorithm: hashAlgorithm).bytes
        guard digest == messageImprint else {
            throw CryptoError("timestamp message imprint does not match the \(hashAlgorithm.rawValue) of the timestamped bytes")
        }
        try verifySignature(response, digest: digest, certificates: pool + [signer], root: authority.root)
        return genTime
    }

    /// The certificate named by the token's single SignerInfo, looked up among the embedded
    /// certificates and the configured leaf.
    private func signerCertificate(_ token: UnsafeMutablePointer<PKCS7>, authority: TimestampAuthorityChain) throws -> Certificate {
        guard let infos = PKCS7_get_signer_info(token), airlock_sk_pkcs7_signer_info_num(infos) == 1 else {
            OpenSSLErrorQueue.clear()
            throw CryptoError("timestamp token must have exactly one signer")
        }
        // As sigstore-go, the configured leaf joins the embedded certificates.
        let candidates = certificates + [authority.leaf].compactMap { $0 }.filter { !certificates.contains($0) }
        guard !candidates.isEmpty else {
            throw CryptoError("timestamp embeds no certificate and the TSA has no leaf certificate configured")
        }
        let pool = try X509Stack(candidates)
        guard let signers = PKCS7_get0_signers(token, pool.pointer, PKCS7_NOINTERN) else {
            OpenSSLErrorQueue.clear()
            throw CryptoError("the timestamp's signer is neither an embedded certificate nor the configured TSA leaf")
        }
        defer { airlock_sk_x509_free(signers) }
        guard let x509 = airlock_sk_x509_value(signers, 0),
              let signer = candidates.first(where: { $0.pointer == x509 }) else {
            throw CryptoError("the timestamp's signer cannot be identified")
        }
        return signer
    }

    /// OpenSSL's TS verification: CMS signature, ESS signing certificate, version, imprint and,
    /// redundantly, the chain (with the stricter time-stamping purpose of OpenSSL).
    private func verifySignature(_ response: TimestampResponseHandle, digest: Data, certificates: [Certificate],
                                 root: Certificate) throws {
        let store = try X509StoreHandle(trusting: [root])
        guard let parameters = X509_STORE_get0_param(store.pointer) else { throw CryptoError.openSSL("out of memory") }
        X509StoreHandle.configure(parameters, at: genTime)
        X509_STORE_set_verify_cb(store.pointer) { ok, context in X509StoreHandle.acceptInclusiveNotAfter(ok, context) }
        let context = try TimestampVerifyContext()
        guard let imprint = airlock_openssl_malloc(digest.count)?.assumingMemoryBound(to: UInt8.self) else {
            throw CryptoError.openSSL("out of memory")
        }
        digest.copyBytes(to: imprint, count: digest.count)
        // The context takes ownership of the imprint, the store (one more reference) and the stack.
        _ = TS_VERIFY_CTX_set_imprint(context.pointer, imprint, digest.count)
        X509_STORE_up_ref(store.pointer)
        _ = TS_VERIFY_CTX_set_store(context.pointer, store.pointer)
        _ = TS_VERIFY_CTX_set_certs(context.pointer, try X509Stack.retainedStack(certificates))
        _ = TS_VERIFY_CTX_set_flags(context.pointer, airlock_ts_vfy_signature_and_imprint())
        guard TS_RESP_verify_response(context.pointer, response.pointer) == 1 else {
            throw CryptoError.openSSL("timestamp signature does not verify")
        }
    }

    private static func requireGranted(_ response: OpaquePointer) throws {
        guard let info = TS_RESP_get_status_info(response), let status = TS_STATUS_INFO_get0_status(info) else {
            throw CryptoError("timestamp response has no status")
        }
        var value: Int64 = -1
        guard ASN1_INTEGER_get_int64(&value, status) == 1 else {
            OpenSSLErrorQueue.clear()
            throw CryptoError("timestamp response status is out of range")
        }
        guard value != 0 else { return }
        let name = TimestampStatus(rawValue: Int(value)).map { "\($0) (\(value))" } ?? "\(value)"
        var texts: [String] = []
        if let list = TS_STATUS_INFO_get0_text(info) {
            for index in 0..<airlock_sk_asn1_utf8string_num(list) {
                if let text = airlock_sk_asn1_utf8string_value(list, index) {
                    texts.append(String(decoding: ASN1.bytes(text).prefix(200), as: UTF8.self))
                }
            }
        }
        throw CryptoError("timestamp response status is \(name), not granted" + (texts.isEmpty ? "" : ": \(texts.joined(separator: "; "))"))
    }

    private static func imprintAlgorithm(_ algorithm: UnsafeMutablePointer<X509_ALGOR>) throws -> DigestAlgorithm {
        guard let object = algorithm.pointee.algorithm else { throw CryptoError("timestamp imprint has no algorithm") }
        switch OBJ_obj2nid(object) {
        case NID_sha256: return .sha256
        case NID_sha384: return .sha384
        case NID_sha512: return .sha512
        case NID_sha1: throw CryptoError("timestamp message imprint uses SHA-1, which is not accepted")
        default: throw CryptoError("timestamp message imprint uses unsupported hash \(ASN1.dottedOID(object))")
        }
    }

    /// `YYYYMMDDHHMMSS[.fraction]Z`, keeping the fraction that `ASN1_TIME_to_tm` drops.
    private static func generalizedTime(_ time: UnsafePointer<ASN1_GENERALIZEDTIME>) throws -> Date {
        let whole = try ASN1.date(time)
        let text = String(decoding: ASN1.bytes(time), as: UTF8.self)
        guard let dot = text.firstIndex(of: ".") else { return whole }
        let digits = text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let fraction = Double("0." + digits) else { return whole }
        return whole.addingTimeInterval(fraction)
    }

    private static func nameText(_ name: UnsafeMutablePointer<GENERAL_NAME>) throws -> String? {
        var kind: Int32 = -1
        guard let value = GENERAL_NAME_get0_value(name, &kind) else { return nil }
        if kind == GEN_DIRNAME { return try ASN1.distinguishedName(OpaquePointer(value)) }
        return try SubjectAlternativeName.entry(name)?.description
    }

    private static func embeddedCertificates(_ token: UnsafeMutablePointer<PKCS7>) throws -> [Certificate] {
        guard let stack = airlock_pkcs7_signed_certificates(token) else { return [] }
        return try (0..<airlock_sk_x509_num(stack)).compactMap { index in
            guard let x509 = airlock_sk_x509_value(stack, index) else { return nil }
            X509_up_ref(x509)
            return try Certificate(taking: x509)
        }
    }
}

/// The certificates that anchor one timestamp authority.
public struct TimestampAuthorityChain: Sendable {
    public let root: Certificate
    public let intermediates: [Certificate]
    /// The TSA's signing certificate, when the trusted root names it.
    public let leaf: Certificate?

    public init(root: Certificate, intermediates: [Certificate] = [], leaf: Certificate? = nil) {
        self.root = root
        self.intermediates = intermediates
        self.leaf = leaf
    }

    /// A trusted-root `certChain` (FORMATS.md §7.4): the last certificate is the root; the first
    /// is the leaf when it is not a CA; the rest are intermediates.
    public init(chain: [Certificate]) throws {
        guard let root = chain.last else { throw CryptoError("timestamp authority has an empty certificate chain") }
        var rest = Array(chain.dropLast())
        let leaf = rest.first.flatMap { $0.isCA ? nil : $0 }
        if leaf != nil { rest.removeFirst() }
        self.init(root: root, intermediates: rest, leaf: leaf)
    }
}

/// Owns one `TS_RESP`.
final class TimestampResponseHandle {
    let pointer: OpaquePointer

    /// Parses a DER `TimeStampResp` that spans all of `der`.
    init(der: Data) throws {
        pointer = try ASN1.decodeWhole(der, maximumSize: TimestampToken.maximumDERSize, what: "RFC 3161 TimeStampResp",
                                       decode: { d2i_TS_RESP(nil, &$0, $1) }, free: { TS_RESP_free($0) })
    }

    deinit { TS_RESP_free(pointer) }
}

/// Owns one `TS_VERIFY_CTX` and whatever was handed to it.
final class TimestampVerifyContext {
    let pointer: OpaquePointer

    init() throws {
        guard let context = TS_VERIFY_CTX_new() else { throw CryptoError.openSSL("out of memory") }
        pointer = context
    }

    deinit { TS_VERIFY_CTX_free(pointer) }
}
