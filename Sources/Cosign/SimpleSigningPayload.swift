import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore

/// The "simple signing" payload a legacy cosign image signature signs (FORMATS.md §2):
/// which repository and which exact manifest digest, plus optional annotations.
///
/// `encoded()` gives the bytes Go's `encoding/json` writes for cosign's struct (fixed member
/// order, compact, `<>&` escaped, `optional` null or an object with sorted keys). Parsing
/// follows Go's unmarshaller (unknown members ignored) but requires every critical field.
public struct SimpleSigningPayload: Sendable, Equatable {
    /// The constant `critical.type`.
    public static let type = "cosign container image signature"
    /// Largest payload parsed (a layer is capped at 128 MiB; real payloads are a few hundred bytes).
    public static let jsonLimits = JSONLimits(maxBytes: 1 << 20, maxDepth: 32)

    /// `critical.identity.docker-reference`: the repository, without tag or digest.
    public var dockerReference: String
    /// `critical.image.docker-manifest-digest` as written (`sha256:<hex>`).
    public var manifestDigest: String
    /// `critical.type`.
    public var type: String
    /// The `optional` members, nil when `optional` is null or absent.
    public var optional: [(key: String, value: JSONValue)]?

    /// The payload cosign signs for `digest` in repository `dockerReference`, with `annotations`
    /// (none: `"optional":null`).
    public init(dockerReference: String, manifestDigest: Digest, annotations: [String: String] = [:]) {
        self.dockerReference = dockerReference
        self.manifestDigest = manifestDigest.description
        self.type = Self.type
        self.optional = annotations.isEmpty ? nil
            : JSONValue.stringMap(annotations).objectValue
    }

    /// Parses payload bytes (a `.sig` layer).
    public init(json data: Data) throws(CosignError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(data, limits: Self.jsonLimits)
        } catch {
            throw CosignError("simple-signing payload: \(error)")
        }
        func string(_ path: [String]) throws(CosignError) -> String {
            var current: JSONValue? = value
            for key in path { current = current?[key] }
            guard let text = current?.stringValue else {
                throw CosignError("simple-signing payload: \(path.joined(separator: ".")) is missing or not a string")
            }
            return text
        }
        dockerReference = try string(["critical", "identity", "docker-reference"])
        manifestDigest = try string(["critical", "image", "docker-manifest-digest"])
        type = try string(["critical", "type"])
        switch value["optional"] {
        case nil, .null?: optional = nil
        case .object(let members)?: optional = members
        case let other?: throw CosignError("simple-signing payload: optional is \(other.typeName), not an object")
        }
    }

    /// The payload as cosign's Go struct serialises it.
    public func encoded() -> Data {
        let critical: JSONValue = [
            "identity": ["docker-reference": .string(dockerReference)],
            "image": ["docker-manifest-digest": .string(manifestDigest)],
            "type": .string(type),
        ]
        let payload: JSONValue = ["critical": critical, "optional": optional.map(JSONValue.object) ?? .null]
        return payload.serialized(escaping: .goHTMLSafe)
    }

    /// cosign's claim check, plus `critical.type`: the payload must name `imageDigest` and
    /// carry every required annotation with an equal string value.
    public func checkClaims(imageDigest: Digest, requiredAnnotations: [String: String]) throws(CosignError) {
        guard type == Self.type else {
            throw CosignError("payload critical.type is \"\(type.prefix(80))\", not \"\(Self.type)\"")
        }
        guard manifestDigest == imageDigest.description else {
            throw CosignError("payload docker-manifest-digest \(manifestDigest.prefix(80)) is not the image digest \(imageDigest)")
        }
        try AnnotationRequirement.check(requiredAnnotations, in: optional, where: "the payload's optional annotations")
    }

    public static func == (lhs: SimpleSigningPayload, rhs: SimpleSigningPayload) -> Bool {
        lhs.dockerReference == rhs.dockerReference && lhs.manifestDigest == rhs.manifestDigest && lhs.type == rhs.type
            && lhs.optional.map(JSONValue.object) == rhs.optional.map(JSONValue.object)
    }
}

/// The `-a key=value` requirement of `cosign verify`: each key present with an equal string
/// (Go `interface{}` equality: the string `"1"` is not the number `1`). Keys compare as Go
/// compares them, scalar by scalar: Swift's `==` would take a signed `\u{212A}ind` (KELVIN
/// SIGN) for a required `Kind`, canonically equivalent but a different key.
enum AnnotationRequirement {
    static func check(_ required: [String: String], in members: [(key: String, value: JSONValue)]?,
                      where place: String) throws(CosignError) {
        for (key, expected) in required.sorted(by: { $0.key < $1.key }) {
            guard let found = members?.first(where: { $0.key.unicodeScalars.elementsEqual(key.unicodeScalars) })?.value else {
                throw CosignError("annotation \(key)=\(expected) is required but \(place) lack \(key)")
            }
            guard found == .string(expected) else {
                let shown = found.stringValue ?? found.serializedString()
                throw CosignError("annotation \(key)=\(expected) is required but \(place) have \(key)=\(shown.prefix(80))")
            }
        }
    }
}
