import AirlockJSON
import AirlockCrypto
import Foundation
import OCI
import Sigstore

/// One layer of a `.sig` image: a payload blob described with its signature annotations.
public struct SignatureLayer: Hashable, Sendable {
    /// The layer descriptor (media type, payload digest and size, annotations).
    public let descriptor: Descriptor

    public init(descriptor: Descriptor) {
        self.descriptor = descriptor
    }

    /// A simple-signing layer for `payload` carrying `signature` (b64 in the annotation).
    public init(payload: Data, signature: Data) {
        descriptor = Descriptor(mediaType: MediaType.cosignSimpleSigning, content: payload,
                                annotations: [CosignAnnotation.signature: Base64.encode(signature)])
    }

    /// The `dev.cosignproject.cosign/signature` annotation (b64 text as stored).
    public var signatureText: String? { descriptor.annotation(CosignAnnotation.signature) }
    /// Whether the layer holds a simple-signing payload.
    public var isSimpleSigning: Bool { descriptor.mediaType == MediaType.cosignSimpleSigning }

    /// The annotations other than the signature (certificate, chain, Rekor bundle, timestamp, …).
    public var nonSignatureAnnotations: [String: String] {
        (descriptor.annotations ?? [:]).filter { $0.key != CosignAnnotation.signature }
    }
}

/// The legacy "signature image" of one signed manifest (FORMATS.md §3.2): an OCI image
/// manifest whose layers are the signatures, stored at tag `sha256-<hex>.sig`; a config
/// blob as go-containerregistry writes it when layers are appended to an empty image.
public struct SignatureImage: Sendable, Equatable {
    /// Readers take at most this many layers (cosign's cap).
    public static let maxLayers = 1000
    /// Readers take layers of at most 128 MiB (cosign's `COSIGN_MAX_ATTACHMENT_SIZE` default).
    public static let maxLayerBytes = 128 << 20

    public var layers: [SignatureLayer]

    public init(layers: [SignatureLayer] = []) {
        self.layers = layers
    }

    /// cosign's tag for the signatures of `digest`: `sha256-<hex>.sig` (FORMATS.md §3.1).
    public static func tag(for digest: Digest) -> String { "\(digest.algorithm.rawValue)-\(digest.hex).sig" }

    /// The digest a `.sig` tag names (`sha256-<hex>.sig` → `sha256:<hex>`), or nil for other tags.
    public static func signedDigest(tag: String) -> Digest? {
        CosignSchemeTag(parsing: tag).flatMap { $0.suffix == .signatures ? $0.digest : nil }
    }

    /// Reads a `.sig` manifest: an OCI (or, with `COSIGN_DOCKER_MEDIA_TYPES`, Docker v2) image
    /// manifest of at most `maxLayers` layers. Layers of other media types are kept; the
    /// verifier reports them.
    public init(manifest: ManifestBlob) throws(CosignError) {
        guard case .image(let image) = manifest.document, MediaType.isImageManifest(manifest.descriptor.mediaType) else {
            throw CosignError("signature image \(manifest.descriptor.digest) has media type \(manifest.descriptor.mediaType), not an image manifest (\(MediaType.ociManifest))")
        }
        guard image.layers.count <= Self.maxLayers else {
            throw CosignError("signature image \(manifest.descriptor.digest) has \(image.layers.count) layers, over the limit of \(Self.maxLayers)")
        }
        layers = image.layers.map(SignatureLayer.init(descriptor:))
    }

    /// The config JSON go-containerregistry writes: zero times, one `history` entry and one
    /// `diff_ids` entry (the layer digest, layers being uncompressed) per layer.
    public var configBytes: Data {
        let zeroTime: JSONValue = "0001-01-01T00:00:00Z"
        let config: JSONValue = [
            "architecture": "",
            "created": zeroTime,
            "history": .array(layers.map { _ in ["created": zeroTime] }),
            "os": "",
            "rootfs": ["type": "layers", "diff_ids": .array(layers.map { .string($0.descriptor.digest.description) })],
            "config": [:],
        ]
        return config.serialized(escaping: .goHTMLSafe)
    }

    /// The manifest bytes for this image, whose config is `configBytes`.
    public var manifestBytes: Data {
        let manifest = ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, content: configBytes),
                                     layers: layers.map(\.descriptor))
        return GoManifestJSON.manifest(manifest)
    }
}
