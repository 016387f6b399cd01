import AirlockJSON
import AirlockCrypto
import Foundation

extension TrustedRoot {
    /// Most entries accepted in each list of a trusted root.
    public static let maxEntriesPerList = 256
    /// JSON limits for trusted roots: 16 MiB, depth 32.
    public static let jsonLimits = JSONLimits(maxBytes: 16 << 20, maxDepth: 32)

    /// Parses `trusted_root.json` as sigstore-go does, and as strictly: unknown fields are an
    /// error; a log whose hash is not SHA2_256, whose key does not parse or is not of its
    /// `keyDetails` type, or whose `publicKey.validFor.start` is missing makes the **whole root**
    /// invalid; CA/TSA chains must be non-empty.
    public init(json data: Data) throws(FormatError) {
        let value = try JSONValue.parse(data, limits: Self.jsonLimits, document: "trusted root")
        let root = try JSONObjectReader(value, path: "trusted root", fields: [
            "mediaType", "tlogs", "certificateAuthorities", "ctlogs", "timestampAuthorities",
        ])
        mediaType = try root.requiredString("mediaType")
        guard Self.acceptedMediaTypes.contains(mediaType) else {
            throw FormatError("trusted root: unsupported media type \"\(mediaType.prefix(100))\"")
        }
        transparencyLogs = try Self.readLogs(root, "tlogs")
        certificateAuthorities = try Self.readAuthorities(root, "certificateAuthorities")
        ctLogs = try Self.readLogs(root, "ctlogs")
        timestampAuthorities = try Self.readAuthorities(root, "timestampAuthorities")
    }

    private static func readLogs(_ root: JSONObjectReader, _ field: String) throws(FormatError) -> [TransparencyLogInstance] {
        let fields = ["baseUrl", "hashAlgorithm", "publicKey", "logId", "checkpointKeyId", "operator"]
        return try root.objects(field, fields: fields, limit: maxEntriesPerList).map { (log) throws(FormatError) in
            guard try log.enumeration("hashAlgorithm", DigestAlgorithm.protoCases) == .sha256 else {
                throw FormatError("\(log.path(of: "hashAlgorithm")): must be SHA2_256")
            }
            let keyObject = try log.requiredObject("publicKey", fields: ["rawBytes", "keyDetails", "validFor"])
            let rawBytes = try keyObject.requiredBytes("rawBytes")
            guard let details = try keyObject.enumeration("keyDetails", PublicKeyDetails.protoCases),
                  details != .pkixEd25519ph else {
                throw FormatError("\(keyObject.path(of: "keyDetails")): missing or unsupported for a log key")
            }
            let key = try Self.parseKey(rawBytes, details: details, path: keyObject.path(of: "rawBytes"))
            let validFor = try readWindow(keyObject)
            guard validFor.start != nil else {
                throw FormatError("\(keyObject.path(of: "validFor")).start: required for a log key")
            }
            return TransparencyLogInstance(
                baseURL: try log.string("baseUrl") ?? "", publicKey: key, publicKeyBytes: rawBytes, keyDetails: details,
                validFor: validFor, logID: try log.requiredObject("logId", fields: ["keyId"]).requiredBytes("keyId"),
                checkpointKeyID: try log.object("checkpointKeyId", fields: ["keyId"])?.bytes("keyId"),
                operatorName: try log.string("operator"))
        }
    }

    private static func parseKey(_ rawBytes: Data, details: PublicKeyDetails, path: String) throws(FormatError) -> PublicKey {
        let key: PublicKey
        do {
            key = details == .pkcs1RSAPKCS1v5 ? try PublicKey(derPKCS1RSA: rawBytes) : try PublicKey(derSPKI: rawBytes)
        } catch {
            throw FormatError("\(path): \(error)")
        }
        // OpenSSL ignores bytes after the structure; Go does not.
        if details != .pkcs1RSAPKCS1v5, key.derSPKI != rawBytes {
            throw FormatError("\(path): not a canonical DER SubjectPublicKeyInfo")
        }
        guard details.describes(key.algorithm) else {
            throw FormatError("\(path): key type \(key.algorithm) does not match keyDetails \(details.rawValue)")
        }
        return key
    }

    private static func readAuthorities(_ root: JSONObjectReader, _ field: String) throws(FormatError) -> [CertificateAuthority] {
        let fields = ["subject", "uri", "certChain", "validFor", "operator"]
        return try root.objects(field, fields: fields, limit: maxEntriesPerList).map { (authority) throws(FormatError) in
            let chain = try authority.requiredObject("certChain", fields: ["certificates"])
            let certificates = try chain.objects("certificates", fields: ["rawBytes"], limit: maxEntriesPerList)
                .map { (certificate) throws(FormatError) in try certificate.requiredBytes("rawBytes") }
            guard !certificates.isEmpty else { throw FormatError("\(chain.path).certificates: the chain is empty") }
            let subject = try authority.object("subject", fields: ["organization", "commonName"]).map { (name) throws(FormatError) in
                CertificateAuthority.DistinguishedName(organization: try name.string("organization") ?? "",
                                                       commonName: try name.string("commonName") ?? "")
            }
            return CertificateAuthority(subject: subject, uri: try authority.string("uri") ?? "", certificates: certificates,
                                        validFor: try readWindow(authority), operatorName: try authority.string("operator"))
        }
    }

    private static func readWindow(_ object: JSONObjectReader) throws(FormatError) -> ValidityWindow {
        guard let window = try object.object("validFor", fields: ["start", "end"]) else { return .unbounded }
        return ValidityWindow(start: try window.timestamp("start"), end: try window.timestamp("end"))
    }

    // MARK: - Writing

    /// The root as protojson writes it (media type as stored, times RFC 3339 UTC).
    public var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [(key: "mediaType", value: .string(mediaType))]
        if !transparencyLogs.isEmpty { members.append((key: "tlogs", value: .array(transparencyLogs.map(\.jsonValue)))) }
        if !certificateAuthorities.isEmpty {
            members.append((key: "certificateAuthorities", value: .array(certificateAuthorities.map(\.jsonValue))))
        }
        if !ctLogs.isEmpty { members.append((key: "ctlogs", value: .array(ctLogs.map(\.jsonValue)))) }
        if !timestampAuthorities.isEmpty {
            members.append((key: "timestampAuthorities", value: .array(timestampAuthorities.map(\.jsonValue))))
        }
        return .object(members)
    }

    /// Compact JSON of `jsonValue`.
    public func encoded() -> Data { jsonValue.serialized() }
}

extension ValidityWindow {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let start { members.append((key: "start", value: .string(RFC3339.format(start)))) }
        if let end { members.append((key: "end", value: .string(RFC3339.format(end)))) }
        return .object(members)
    }
}

extension TransparencyLogInstance {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if !baseURL.isEmpty { members.append((key: "baseUrl", value: .string(baseURL))) }
        members.append((key: "hashAlgorithm", value: .string(hashAlgorithm.protoName)))
        members.append((key: "publicKey", value: [
            "rawBytes": .string(Base64.encode(publicKeyBytes)),
            "keyDetails": .string(keyDetails.rawValue),
            "validFor": validFor.jsonValue,
        ]))
        members.append((key: "logId", value: ["keyId": .string(Base64.encode(logID))]))
        if let checkpointKeyID { members.append((key: "checkpointKeyId", value: ["keyId": .string(Base64.encode(checkpointKeyID))])) }
        if let operatorName { members.append((key: "operator", value: .string(operatorName))) }
        return .object(members)
    }
}

extension CertificateAuthority {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let subject {
            members.append((key: "subject", value: ["organization": .string(subject.organization), "commonName": .string(subject.commonName)]))
        }
        if !uri.isEmpty { members.append((key: "uri", value: .string(uri))) }
        members.append((key: "certChain", value: [
            "certificates": .array(certificates.map { ["rawBytes": .string(Base64.encode($0))] }),
        ]))
        if validFor != .unbounded { members.append((key: "validFor", value: validFor.jsonValue)) }
        if let operatorName { members.append((key: "operator", value: .string(operatorName))) }
        return .object(members)
    }
}
