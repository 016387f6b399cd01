import Foundation

/// An OCI image index (also read from Docker manifest lists): descriptors of manifests, e.g.
/// one per platform; `index.json` of a layout is one too.
///
/// Decoding checks `schemaVersion == 2`, at most `OCILimits.maxDescriptors` entries and
/// RFC 6838 media types (`MediaType.isWellFormed`).
public struct ImageIndex: Codable, Hashable, Sendable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var artifactType: String?
    public var manifests: [Descriptor]
    public var subject: Descriptor?
    public var annotations: [String: String]?

    public init(mediaType: String? = MediaType.ociIndex, artifactType: String? = nil, manifests: [Descriptor] = [],
                subject: Descriptor? = nil, annotations: [String: String]? = nil) {
        self.schemaVersion = 2
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.manifests = manifests
        self.subject = subject
        self.annotations = annotations
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, mediaType, artifactType, manifests, subject, annotations
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try OCIJSON.decodeSchemaVersion(container, forKey: .schemaVersion)
        mediaType = try OCIJSON.decodeMediaTypeIfPresent(container, forKey: .mediaType)
        artifactType = try OCIJSON.decodeMediaTypeIfPresent(container, forKey: .artifactType)
        manifests = try OCIJSON.decodeDescriptors(container, forKey: .manifests)
        subject = try container.decodeIfPresent(Descriptor.self, forKey: .subject)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
    }

    /// Stable JSON (sorted keys, no insignificant whitespace) for writing a new index.
    public func encoded() throws -> Data { try OCIJSON.encode(self) }

    /// Parses index bytes, turning any failure into one-line `OCIError(.malformed)`.
    public static func decode(_ data: Data) throws -> ImageIndex {
        try OCIJSON.decode(ImageIndex.self, from: data, what: documentName)
    }

    /// What error messages call an index.
    static let documentName = "image index"
}
