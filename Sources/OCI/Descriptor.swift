import AirlockCrypto
import Foundation

/// An OCI content descriptor: the media type, digest and size of a blob, plus optional
/// annotations, platform, artifact type, alternate URLs and embedded data.
///
/// Decoding is strict: the media type and artifact type must be media types by RFC 6838,
/// the digest must parse as a `Digest` of a supported algorithm, the size must be a
/// non-negative integer, and fields of the wrong JSON type are errors.
/// Unknown fields are ignored.
public struct Descriptor: Codable, Hashable, Sendable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var annotations: [String: String]?
    public var platform: Platform?
    public var artifactType: String?
    public var urls: [String]?
    /// Embedded copy of the blob (base64 in JSON); when present it must hash to `digest`.
    public var data: Data?

    public init(mediaType: String, digest: Digest, size: Int64, annotations: [String: String]? = nil,
                platform: Platform? = nil, artifactType: String? = nil, urls: [String]? = nil, data: Data? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
        self.platform = platform
        self.artifactType = artifactType
        self.urls = urls
        self.data = data
    }

    /// The descriptor of `content` stored under `mediaType` (sha256).
    public init(mediaType: String, content: Data, annotations: [String: String]? = nil) {
        self.init(mediaType: mediaType, digest: Digest.of(content), size: Int64(content.count), annotations: annotations)
    }

    /// The 2-byte `{}` config of artifacts (`application/vnd.oci.empty.v1+json`).
    public static let emptyJSON = Descriptor(mediaType: MediaType.ociEmpty, content: Data("{}".utf8))

    /// The value of one annotation, if present.
    public func annotation(_ key: String) -> String? { annotations?[key] }

    /// The `org.opencontainers.image.ref.name` annotation (the tag in a layout's index).
    public var refName: String? { annotation(AnnotationKey.refName) }

    /// The cosign save `kind` annotation, when it holds a known value.
    public var cosignKind: CosignLayoutKind? { annotation(AnnotationKey.cosignKind).flatMap(CosignLayoutKind.init(rawValue:)) }

    enum CodingKeys: String, CodingKey {
        case mediaType, digest, size, annotations, platform, artifactType, urls, data
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mediaType = try OCIJSON.decodeMediaType(container, forKey: .mediaType)
        let digestText = try container.decode(String.self, forKey: .digest)
        do {
            digest = try Digest(parsing: digestText)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .digest, in: container, debugDescription: "\(error)")
        }
        size = try container.decode(Int64.self, forKey: .size)
        guard size >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .size, in: container, debugDescription: "size \(size) is negative")
        }
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
        platform = try container.decodeIfPresent(Platform.self, forKey: .platform)
        artifactType = try OCIJSON.decodeMediaTypeIfPresent(container, forKey: .artifactType)
        urls = try container.decodeIfPresent([String].self, forKey: .urls)
        data = try container.decodeIfPresent(Data.self, forKey: .data)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mediaType, forKey: .mediaType)
        try container.encode(digest.description, forKey: .digest)
        try container.encode(size, forKey: .size)
        try container.encodeIfPresent(annotations, forKey: .annotations)
        try container.encodeIfPresent(platform, forKey: .platform)
        try container.encodeIfPresent(artifactType, forKey: .artifactType)
        try container.encodeIfPresent(urls, forKey: .urls)
        try container.encodeIfPresent(data, forKey: .data)
    }
}
