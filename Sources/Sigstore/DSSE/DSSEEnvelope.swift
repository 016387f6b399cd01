import AirlockJSON
import Foundation

/// A DSSE envelope (FORMATS.md §6.1): a typed payload and its signatures over `PAE`.
public struct DSSEEnvelope: Sendable, Equatable {
    /// One signature; `keyID` is an optional hint (empty is the same as absent).
    public struct Signature: Sendable, Equatable {
        public var keyID: String?
        public var signature: Data

        public init(keyID: String? = nil, signature: Data) {
            self.keyID = keyID
            self.signature = signature
        }
    }

    public var payloadType: String
    /// The decoded payload bytes.
    public var payload: Data
    public var signatures: [Signature]

    public init(payloadType: String, payload: Data, signatures: [Signature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// The most signatures accepted in one envelope.
    public static let maxSignatures = 32

    /// Parses envelope JSON. Members may come in any order; `payload` and `sig` may be standard
    /// or URL-safe base64. Unknown members are ignored (Go `encoding/json`, as cosign reads
    /// `.att` layers) unless `rejectUnknownFields` (protojson, as inside a bundle).
    public init(json data: Data, rejectUnknownFields: Bool = false, limits: JSONLimits = .default) throws(FormatError) {
        let value = try JSONValue.parse(data, limits: limits, document: "DSSE envelope")
        try self.init(value, path: "DSSE envelope", rejectUnknownFields: rejectUnknownFields)
    }

    /// Reads an envelope from an already parsed value; `path` prefixes error messages.
    public init(_ value: JSONValue, path: String, rejectUnknownFields: Bool) throws(FormatError) {
        let object = try JSONObjectReader(value, path: path, fields: ["payload", "payloadType", "signatures"],
                                          rejectUnknownFields: rejectUnknownFields)
        payloadType = try object.requiredString("payloadType")
        payload = try object.bytes("payload") ?? Data()
        var signatures: [Signature] = []
        for element in try object.objects("signatures", fields: ["sig", "keyid"], limit: Self.maxSignatures) {
            let keyID = try element.string("keyid")
            signatures.append(Signature(keyID: keyID?.isEmpty == true ? nil : keyID, signature: try element.requiredBytes("sig")))
        }
        guard !signatures.isEmpty else { throw FormatError("\(path).signatures: the envelope has no signature") }
        self.signatures = signatures
    }

    /// The envelope as JSON: `{"payload":…,"payloadType":…,"signatures":[{"sig":…}]}`, with
    /// `"keyid"` after `"sig"` only when non-empty (the shape cosign 3 and protojson write).
    public var jsonValue: JSONValue {
        .object([
            (key: "payload", value: .string(Base64.encode(payload))),
            (key: "payloadType", value: .string(payloadType)),
            (key: "signatures", value: .array(signatures.map { signature in
                var members: [(key: String, value: JSONValue)] = [(key: "sig", value: .string(Base64.encode(signature.signature)))]
                if let keyID = signature.keyID, !keyID.isEmpty { members.append((key: "keyid", value: .string(keyID))) }
                return .object(members)
            })),
        ])
    }

    /// Compact JSON of `jsonValue`, Go-escaped.
    public func encoded() -> Data { jsonValue.serialized(escaping: .goHTMLSafe) }

    /// The bytes that are signed: `PAE(payloadType, payload)`.
    public var pae: Data { Self.pae(payloadType: payloadType, payload: payload) }

    /// DSSE pre-authentication encoding (FORMATS.md §6.2):
    /// `"DSSEv1" SP len(type) SP type SP len(body) SP body`, lengths in decimal bytes.
    public static func pae(payloadType: String, payload: Data) -> Data {
        let type = Data(payloadType.utf8)
        var out = Data("DSSEv1 \(type.count) ".utf8)
        out.append(type)
        out.append(contentsOf: " \(payload.count) ".utf8)
        out.append(payload)
        return out
    }
}
