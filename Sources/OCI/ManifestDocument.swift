import AirlockCrypto
import Foundation

/// A parsed manifest blob: either an image manifest or an index.
public enum ManifestDocument: Hashable, Sendable {
    case image(ImageManifest)
    case index(ImageIndex)

    /// Parses `data` as the kind of manifest `mediaType` names. With `mediaType == nil`, the
    /// document's own `mediaType` field decides, else its shape (`manifests` → index,
    /// `config`/`layers` → image). A `mediaType` field inside the document that contradicts
    /// the expected one is an error. Docker schema 1 manifests are refused.
    public static func parse(_ data: Data, mediaType expected: String?) throws -> ManifestDocument {
        try OCIJSON.checkSyntax(data, what: "manifest")
        let probe = try OCIJSON.decodeChecked(Probe.self, from: data, what: "manifest")
        if let declared = probe.mediaType, let expected, declared != expected {
            throw OCIError(.malformed, "manifest declares media type \(declared) but its descriptor says \(expected)")
        }
        let mediaType = expected ?? probe.mediaType
        if let mediaType, MediaType.dockerSchema1Manifests.contains(mediaType) {
            throw OCIError(.unsupported, "Docker schema 1 manifests (\(mediaType)) are not supported")
        }
        let isIndex: Bool
        if let mediaType {
            guard MediaType.isManifestOrIndex(mediaType) else {
                throw OCIError(.unsupported, "media type \(mediaType) is not an image manifest or index")
            }
            isIndex = MediaType.isIndex(mediaType)
        } else {
            isIndex = probe.hasManifests
        }
        return isIndex ? .index(try OCIJSON.decodeChecked(ImageIndex.self, from: data, what: ImageIndex.documentName))
            : .image(try OCIJSON.decodeChecked(ImageManifest.self, from: data, what: ImageManifest.documentName))
    }

    /// The fields both kinds share.
    private var header: any ManifestHeader {
        switch self {
        case .image(let manifest): manifest
        case .index(let index): index
        }
    }

    /// The document's `mediaType` field, if it has one.
    public var mediaType: String? { header.mediaType }
    /// The document's own `artifactType` field.
    public var artifactType: String? { header.artifactType }
    /// The `subject` descriptor (the manifest this one refers to), if any.
    public var subject: Descriptor? { header.subject }
    public var annotations: [String: String]? { header.annotations }

    /// The artifact type as the OCI referrers API reports it: `artifactType`, else for an
    /// image manifest its config media type.
    public var effectiveArtifactType: String? {
        switch self {
        case .image(let manifest): manifest.artifactType ?? manifest.config.mediaType
        case .index(let index): index.artifactType
        }
    }

    /// Just enough of a manifest to tell its kind.
    private struct Probe: Decodable {
        let mediaType: String?
        let hasManifests: Bool

        enum CodingKeys: String, CodingKey { case mediaType, manifests }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            mediaType = try OCIJSON.decodeMediaTypeIfPresent(container, forKey: .mediaType)
            hasManifests = container.contains(.manifests)
        }
    }
}

/// The fields image manifests and indexes have in common.
public protocol ManifestHeader: Sendable {
    var mediaType: String? { get }
    var artifactType: String? { get }
    var subject: Descriptor? { get }
    var annotations: [String: String]? { get }
}

extension ImageManifest: ManifestHeader {}
extension ImageIndex: ManifestHeader {}

/// A manifest or index read from a layout: its descriptor, the exact bytes its digest
/// covers, and the parsed document.
public struct ManifestBlob: Hashable, Sendable {
    public let descriptor: Descriptor
    public let bytes: Data
    public let document: ManifestDocument

    public init(descriptor: Descriptor, bytes: Data, document: ManifestDocument) {
        self.descriptor = descriptor
        self.bytes = bytes
        self.document = document
    }

    /// The descriptor of `bytes` as found in the store, with the media type taken from the
    /// document (else `application/vnd.oci.image.manifest.v1+json` or `…index.v1+json` by
    /// shape) and its explicit `artifactType`.
    init(storedBytes bytes: Data, digest: Digest) throws {
        let document = try ManifestDocument.parse(bytes, mediaType: nil)
        let isIndex = if case .index = document { true } else { false }
        let mediaType = document.mediaType ?? (isIndex ? MediaType.ociIndex : MediaType.ociManifest)
        let descriptor = Descriptor(mediaType: mediaType, digest: digest, size: Int64(bytes.count), artifactType: document.artifactType)
        self.init(descriptor: descriptor, bytes: bytes, document: document)
    }

    /// This manifest described as the OCI referrers API lists it: with the manifest's
    /// annotations and its effective artifact type (`artifactType`, else the config media type).
    var asReferrer: ManifestBlob {
        var descriptor = descriptor
        descriptor.annotations = document.annotations
        descriptor.artifactType = document.effectiveArtifactType
        return ManifestBlob(descriptor: descriptor, bytes: bytes, document: document)
    }
}
