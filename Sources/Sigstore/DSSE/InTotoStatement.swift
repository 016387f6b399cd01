import AirlockJSON
import AirlockCrypto
import Foundation

/// An in-toto Statement (FORMATS.md §6.3), v0.1 or v1, read strictly like sigstore-go's
/// protojson: unknown members rejected, `predicate` must be an object.
public struct InTotoStatement: Sendable, Equatable {
    public static let typeV01 = "https://in-toto.io/Statement/v0.1"
    public static let typeV1 = "https://in-toto.io/Statement/v1"
    /// The DSSE payloadType of statements.
    public static let payloadType = "application/vnd.in-toto+json"
    /// The predicate type of `cosign sign` statements (new bundle format).
    public static let cosignSignPredicateType = "https://sigstore.dev/cosign/sign/v1"

    public static let maxSubjects = 1024
    public static let maxDigestsPerSubject = 32

    /// A subject (a v1 ResourceDescriptor; v0.1 subjects use only `name` and `digest`).
    public struct Subject: Sendable, Equatable {
        public var name: String?
        public var uri: String?
        /// Algorithm name (as written, e.g. `sha256`) → hex digest (as written).
        public var digest: [String: String]
        public var content: Data?
        public var downloadLocation: String?
        public var mediaType: String?
        /// A JSON object, when present.
        public var annotations: JSONValue?

        public init(name: String? = nil, uri: String? = nil, digest: [String: String] = [:], content: Data? = nil,
                    downloadLocation: String? = nil, mediaType: String? = nil, annotations: JSONValue? = nil) {
            self.name = name
            self.uri = uri
            self.digest = digest
            self.content = content
            self.downloadLocation = downloadLocation
            self.mediaType = mediaType
            self.annotations = annotations
        }

        /// Whether `digest[algorithm name]` is present and its hex decodes to `digest`'s bytes
        /// (sigstore-go's digest-mode match; hex case-insensitive).
        public func matches(_ digest: Digest) -> Bool {
            guard let hex = self.digest[digest.algorithm.rawValue] else { return false }
            return Data(lowercaseHex: hex.lowercased()) == digest.bytes
        }
    }

    /// The `_type` URI.
    public var type: String
    public var subjects: [Subject]
    public var predicateType: String
    /// A JSON object, when present.
    public var predicate: JSONValue?

    public init(type: String = InTotoStatement.typeV1, subjects: [Subject], predicateType: String, predicate: JSONValue?) {
        self.type = type
        self.subjects = subjects
        self.predicateType = predicateType
        self.predicate = predicate
    }

    /// The statement `cosign sign` (cosign 3, bundle format) signs for an image:
    /// one subject with the manifest digest and optional annotations, an empty predicate.
    public static func cosignSign(digest: Digest, annotations: [String: String]?) -> InTotoStatement {
        let annotationValue = annotations.map(JSONValue.stringMap)
        return InTotoStatement(type: typeV1,
                               subjects: [Subject(digest: [digest.algorithm.rawValue: digest.hex], annotations: annotationValue)],
                               predicateType: cosignSignPredicateType,
                               predicate: .object([]))
    }

    /// Parses statement JSON (a DSSE payload).
    public init(json data: Data, limits: JSONLimits = .default) throws(FormatError) {
        let value = try JSONValue.parse(data, limits: limits, document: "in-toto statement")
        try self.init(value)
    }

    public init(_ value: JSONValue) throws(FormatError) {
        let object = try JSONObjectReader(value, path: "in-toto statement",
                                          fields: ["_type", "subject", "predicateType", "predicate"])
        type = try object.requiredString("_type")
        guard type == Self.typeV01 || type == Self.typeV1 else {
            throw FormatError("in-toto statement: unsupported _type \"\(type.prefix(80))\"")
        }
        predicateType = try object.requiredString("predicateType")
        if let predicate = object.value("predicate") {
            guard case .object = predicate else {
                throw FormatError("in-toto statement.predicate: expected an object, found \(predicate.typeName)")
            }
            self.predicate = predicate
        } else {
            predicate = nil
        }
        let fields = ["name", "uri", "digest", "content", "downloadLocation", "mediaType", "annotations"]
        subjects = try object.objects("subject", fields: fields, limit: Self.maxSubjects).map { (entry) throws(FormatError) in
            if let annotations = entry.value("annotations"), annotations.objectValue == nil {
                throw FormatError("\(entry.path(of: "annotations")): expected an object, found \(annotations.typeName)")
            }
            return Subject(name: try entry.string("name"), uri: try entry.string("uri"),
                           digest: try entry.stringMap("digest", limit: Self.maxDigestsPerSubject),
                           content: try entry.bytes("content"), downloadLocation: try entry.string("downloadLocation"),
                           mediaType: try entry.string("mediaType"), annotations: entry.value("annotations"))
        }
    }

    /// Whether some subject matches `digest` (`Subject.matches(_:)`).
    public func hasSubject(matching digest: Digest) -> Bool {
        subjects.contains { $0.matches(digest) }
    }

    /// The statement as JSON, members in protobuf field order (`_type`, `subject`,
    /// `predicateType`, `predicate`), digests sorted by algorithm name.
    public var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            (key: "_type", value: .string(type)),
            (key: "subject", value: .array(subjects.map(\.jsonValue))),
            (key: "predicateType", value: .string(predicateType)),
        ]
        if let predicate { members.append((key: "predicate", value: predicate)) }
        return .object(members)
    }

    /// Compact JSON of `jsonValue`, Go-escaped.
    public func encoded() -> Data { jsonValue.serialized(escaping: .goHTMLSafe) }
}

extension InTotoStatement.Subject {
    var jsonValue: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let name { members.append((key: "name", value: .string(name))) }
        if let uri { members.append((key: "uri", value: .string(uri))) }
        if !digest.isEmpty { members.append((key: "digest", value: .stringMap(digest))) }
        if let content { members.append((key: "content", value: .string(Base64.encode(content)))) }
        if let downloadLocation { members.append((key: "downloadLocation", value: .string(downloadLocation))) }
        if let mediaType { members.append((key: "mediaType", value: .string(mediaType))) }
        if let annotations { members.append((key: "annotations", value: annotations)) }
        return .object(members)
    }
}
