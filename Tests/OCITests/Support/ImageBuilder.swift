import AirlockCrypto
import Foundation
import OCI

/// Builds small images in a layout through the public store API.
struct ImageBuilder {
    let layout: OCILayout

    /// A single-platform image: a config and one layer of `layerSize` bytes derived from `seed`.
    func image(seed: String, layerSize: Int = 300, architecture: String = "amd64") throws -> (manifest: Descriptor, bytes: Data) {
        let layer = Data((0..<layerSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed.utf8.count) }) + Data(seed.utf8)
        let config = Data(#"{"architecture":"\#(architecture)","os":"linux","seed":"\#(seed)"}"#.utf8)
        try layout.addBlob(layer)
        try layout.addBlob(config)
        let manifest = ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, content: config),
                                     layers: [Descriptor(mediaType: MediaType.ociLayerGzip, content: layer)])
        let bytes = try manifest.encoded()
        return (try layout.storeManifest(bytes, mediaType: MediaType.ociManifest), bytes)
    }

    /// A multi-platform index over amd64 and arm64 images; returns the index descriptor and
    /// the platform manifests.
    func multiPlatformIndex(seed: String) throws -> (index: Descriptor, platforms: [Descriptor]) {
        var platforms: [Descriptor] = []
        for architecture in ["amd64", "arm64"] {
            var manifest = try image(seed: "\(seed)-\(architecture)", architecture: architecture).manifest
            manifest.platform = Platform(os: "linux", architecture: architecture)
            platforms.append(manifest)
        }
        let bytes = try ImageIndex(manifests: platforms).encoded()
        return (try layout.storeManifest(bytes, mediaType: MediaType.ociIndex), platforms)
    }

    /// A cosign 3 style bundle referrer of `subject`: `{}` config, one bundle layer.
    func bundleReferrer(of subject: Descriptor, bundle: String) throws -> Descriptor {
        let bundleBytes = Data(bundle.utf8)
        try layout.addBlob(bundleBytes)
        try layout.addBlob(Data("{}".utf8))
        var config = Descriptor.emptyJSON
        config.artifactType = MediaType.sigstoreBundleV03
        let manifest = ImageManifest(artifactType: MediaType.sigstoreBundleV03, config: config,
                                     layers: [Descriptor(mediaType: MediaType.sigstoreBundleV03, content: bundleBytes)],
                                     subject: Descriptor(mediaType: subject.mediaType, digest: subject.digest, size: subject.size),
                                     annotations: ["dev.sigstore.bundle.content": "dsse-envelope"])
        return try layout.storeManifest(try manifest.encoded(), mediaType: MediaType.ociManifest)
    }
}

extension OCILayout {
    /// Overwrites a stored blob's bytes directly (to simulate corruption).
    func corruptBlob(_ digest: Digest, with data: Data) throws {
        try data.write(to: blobURL(digest))
    }
}

func sha256(_ text: String) -> Digest { Digest.of(Data(text.utf8)) }
