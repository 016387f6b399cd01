import AirlockCrypto
import Foundation
import OCI

/// A layout in a temporary directory (removed on release) with helpers that add small
/// images through the public store API.
final class TestLayout {
    let url: URL
    let layout: OCILayout

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("cosign-tests-\(UUID().uuidString)")
        layout = try OCILayout.create(at: url)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Stores a one-layer image manifest (not listed in `index.json`).
    func storeImage(_ seed: String, architecture: String = "amd64") throws -> Descriptor {
        let layer = Data("layer of \(seed)".utf8)
        let config = Data(#"{"architecture":"\#(architecture)","os":"linux"}"#.utf8)
        try layout.addBlob(layer)
        try layout.addBlob(config)
        let manifest = ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, content: config),
                                     layers: [Descriptor(mediaType: MediaType.ociLayerGzip, content: layer)])
        return try layout.storeManifest(try manifest.encoded(), mediaType: MediaType.ociManifest)
    }

    /// Adds an image to `index.json`, tagged `tag` and named `registry.example/<name>`.
    @discardableResult
    func addImage(_ name: String, tag: String = "v1") throws -> Descriptor {
        let stored = try storeImage(name)
        return try layout.addManifest(try layout.readManifest(stored).bytes, mediaType: stored.mediaType,
                                      annotations: [AnnotationKey.refName: tag, AnnotationKey.imageName: "registry.example/\(name)"])
    }

    /// Adds a two-platform index to `index.json`; returns it and its platform manifests.
    func addMultiPlatformImage(_ name: String, tag: String = "v1") throws -> (index: Descriptor, platforms: [Descriptor]) {
        var platforms: [Descriptor] = []
        for architecture in ["amd64", "arm64"] {
            var manifest = try storeImage("\(name)-\(architecture)", architecture: architecture)
            manifest.platform = Platform(os: "linux", architecture: architecture)
            platforms.append(manifest)
        }
        let bytes = try ImageIndex(manifests: platforms).encoded()
        let index = try layout.addManifest(bytes, mediaType: MediaType.ociIndex,
                                           annotations: [AnnotationKey.refName: tag, AnnotationKey.imageName: "registry.example/\(name)"])
        return (index, platforms)
    }

    var index: ImageIndex { get throws { try layout.readIndex() } }

    /// The parsed manifest stored under `digest`.
    func manifest(_ digest: Digest) throws -> ImageManifest {
        try ImageManifest.decode(try layout.readBlob(digest, limit: OCILimits.maxManifestBytes))
    }

    func blob(_ descriptor: Descriptor) throws -> Data { try layout.readBlob(descriptor, limit: 1 << 24) }

    /// Replaces `index.json` wholesale (to build layouts airlock would not write).
    func writeIndex(_ index: ImageIndex) throws {
        try index.encoded().write(to: url.appendingPathComponent("index.json"))
    }
}

extension TestLayout {
    /// The manifest bytes of a stored image.
    func bytes(of descriptor: Descriptor) throws -> Data { try layout.readManifest(descriptor).bytes }

    /// Stores `manifest` (config `{}`, layers stored by the caller) and, when `listed`, adds it to
    /// `index.json` (with `annotations`).
    @discardableResult
    func storeArtifact(_ manifest: ImageManifest, listed: Bool, annotations: [String: String]? = nil) throws -> Descriptor {
        try layout.addBlob(Data("{}".utf8))
        let bytes = try manifest.encoded()
        return listed ? try layout.addManifest(bytes, mediaType: MediaType.ociManifest, annotations: annotations)
            : try layout.storeManifest(bytes, mediaType: MediaType.ociManifest)
    }
}
