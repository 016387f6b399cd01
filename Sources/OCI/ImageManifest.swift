import Foundation

/// An OCI image manifest (also read from Docker v2 schema 2 manifests, which share its shape):
/// a config descriptor, layer descriptors, and for artifacts an `artifactType` and a `subject`.
///
/// Decoding checks `schemaVersion == 2`, at most `OCILimits.maxDescriptors` layers and
/// RFC 6838 media types (`MediaType.isWellFormed`).
/// Parsed manifests are for reading; the bytes a digest covers are kept in `ManifestBlob`.
/// `encoded()` gives the stable bytes of a manifest airlock writes itself.
public struct ImageManifest: Codable, Hashable, Sendable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var artifactType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
    /// The manifest this one refers to (signatures, attestations, bundles); never followed when walking.
    public var subject: Descriptor?
    public var annotations: [String: String]?

    public init(mediaType: String? = MediaType.ociManifest, artifactType: String? = nil, config: Descriptor,
                layers: [Descriptor], subject: Descriptor? = nil, annotations: [String: String]? = nil) {
        self.schemaVersion = 2
        self.mediaType = mediaType
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.subject = subject
        self.annotations = annotations
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, mediaType, artifactType, config, layers, subject, annotations
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try OCIJSON.decodeSchemaVersion(container, forKey: .schemaVersion)
        mediaType = try OCIJSON.decodeMediaTypeIfPresent(container, forKey: .mediaType)
        artifactType = try OCIJSON.decodeMediaTypeIfPresent(container, forKey: .artifactType)
        config = try container.decode(Descriptor.self, forKey: .config)
        layers = try OCIJSON.decodeDescriptors(container, forKey: .layers)
        subject = try container.decodeIfPresent(Descriptor.self, forKey: .subject)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
    }

    /// Stable JSON (sorted keys, no insignificant whitespace) for writing a new manifest.
    public func encoded() throws -> Data { try OCIJSON.encode(self) }

    /// Parses manifest bytes, turning any failure into one-line `OCIError(.malformed)`.
    public static func decode(_ data: Data) throws -> ImageManifest {
        try OCIJSON.decode(ImageManifest.self, from: data, what: documentName)
    }

    /// What error messages call a manifest.
    static let documentName = "image manifest"
}
