import AirlockCrypto
import Foundation
import OCI

/// Builds OCI layouts for tests: images of random layers (single- or multi-platform) and
/// the things cosign attaches to them — `.sig` and `.att` images, bundle referrers listed in
/// `index.json` or stored only as blobs, `cosign save`'s `kind` annotations. The signatures
/// are structurally right but not cryptographically valid (Transfer never verifies them).
struct LayoutFixture {
    let layout: OCILayout

    init(at url: URL) throws {
        layout = try OCILayout.create(at: url)
    }

    var url: URL { layout.directory }

    /// Random bytes, deterministic for a given seed.
    static func bytes(_ count: Int, seed: UInt64) -> Data {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var data = Data(count: count)
        data.withUnsafeMutableBytes { buffer in
            let words = buffer.bindMemory(to: UInt64.self)
            for index in words.indices {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                words[index] = state
            }
        }
        return data
    }

    /// Stores a single-platform image manifest (config + layers) and returns its descriptor
    /// (not listed in `index.json`).
    func storeImage(layerSizes: [Int], seed: UInt64, os: String = "linux", architecture: String = "amd64") throws -> Descriptor {
        var layers: [Descriptor] = []
        for (index, size) in layerSizes.enumerated() {
            let data = Self.bytes(size, seed: seed &+ UInt64(index) &* 1000)
            try layout.addBlob(data)
            layers.append(Descriptor(mediaType: MediaType.ociLayerGzip, content: data))
        }
        let config = Data(#"{"architecture":"\#(architecture)","os":"\#(os)","rootfs":{"type":"layers","diff_ids":[]},"seed":\#(seed)}"#.utf8)
        try layout.addBlob(config)
        let manifest = try ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, content: config), layers: layers).encoded()
        return try layout.storeManifest(manifest, mediaType: MediaType.ociManifest)
    }

    /// A single-platform image listed in `index.json` with `annotations`.
    @discardableResult
    func addImage(tag: String?, layerSizes: [Int] = [4096, 70_000], seed: UInt64, annotations: [String: String] = [:]) throws -> Descriptor {
        let stored = try storeImage(layerSizes: layerSizes, seed: seed)
        var all = annotations
        if let tag { all[AnnotationKey.refName] = tag }
        return try layout.addManifest(try layout.readBlob(stored, limit: 1 << 20), mediaType: MediaType.ociManifest,
                                      annotations: all.isEmpty ? nil : all)
    }

    /// A two-platform image (linux/amd64, linux/arm64) listed in `index.json`.
    @discardableResult
    func addMultiPlatformImage(tag: String, seed: UInt64, layerSizes: [Int] = [4096, 70_000]) throws -> Descriptor {
        var children: [Descriptor] = []
        for (offset, architecture) in ["amd64", "arm64"].enumerated() {
            var child = try storeImage(layerSizes: layerSizes, seed: seed &+ UInt64(offset + 1) &* 7, architecture: architecture)
            child.platform = Platform(os: "linux", architecture: architecture)
            children.append(child)
        }
        let index = try ImageIndex(manifests: children).encoded()
        return try layout.addManifest(index, mediaType: MediaType.ociIndex, annotations: [AnnotationKey.refName: tag])
    }

    /// A legacy signature image for `subject`, tagged `sha256-<hex>.sig` (or with `kind` only).
    @discardableResult
    func addSignatures(for subject: Descriptor, count: Int = 1, kindOnly: Bool = false) throws -> Descriptor {
        let layers = try (0..<count).map { index -> Descriptor in
            let payload = Data(#"{"critical":{"identity":{"docker-reference":"x"},"image":{"docker-manifest-digest":"\#(subject.digest)"},"type":"cosign container image signature"},"optional":{"n":\#(index)}}"#.utf8)
            try layout.addBlob(payload)
            return Descriptor(mediaType: MediaType.cosignSimpleSigning, content: payload,
                              annotations: ["dev.cosignproject.cosign/signature": "MEUCIQ\(index)="])
        }
        return try addAttachmentImage(layers: layers, subject: subject, suffix: ".sig", kind: kindOnly ? .signatures : nil)
    }

    /// A legacy attestation image for `subject`, tagged `sha256-<hex>.att` (or with `kind` only).
    @discardableResult
    func addAttestations(for subject: Descriptor, predicateType: String = "https://slsa.dev/provenance/v1", kindOnly: Bool = false) throws -> Descriptor {
        let envelope = Data(#"{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"sig":"MEUC"}]}"#.utf8)
        try layout.addBlob(envelope)
        let layer = Descriptor(mediaType: MediaType.dsseEnvelope, content: envelope,
                               annotations: ["predicateType": predicateType, "dev.cosignproject.cosign/signature": ""])
        return try addAttachmentImage(layers: [layer], subject: subject, suffix: ".att", kind: kindOnly ? .attestations : nil)
    }

    private func addAttachmentImage(layers: [Descriptor], subject: Descriptor, suffix: String, kind: CosignLayoutKind?) throws -> Descriptor {
        let config = Data(#"{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]},"config":{}}"#.utf8)
        try layout.addBlob(config)
        let manifest = try ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, content: config), layers: layers).encoded()
        let annotations = kind.map { [AnnotationKey.cosignKind: $0.rawValue] }
            ?? [AnnotationKey.refName: "\(subject.digest.algorithm.rawValue)-\(subject.digest.hex)\(suffix)"]
        return try layout.addManifest(manifest, mediaType: MediaType.ociManifest, annotations: annotations)
    }

    /// A cosign 3 bundle referrer of `subject`: stored as a blob only (as `cosign save`
    /// leaves it) unless `listed`.
    @discardableResult
    func addBundleReferrer(for subject: Descriptor, listed: Bool = false, seed: Int = 0) throws -> Descriptor {
        let bundle = Data(#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","n":\#(seed)}"#.utf8)
        try layout.addBlob(bundle)
        try layout.addBlob(Data("{}".utf8))
        var subjectDescriptor = subject
        subjectDescriptor.annotations = nil
        subjectDescriptor.platform = nil
        let manifest = try ImageManifest(
            artifactType: MediaType.sigstoreBundleV03, config: Descriptor.emptyJSON,
            layers: [Descriptor(mediaType: MediaType.sigstoreBundleV03, content: bundle)], subject: subjectDescriptor,
            annotations: ["dev.sigstore.bundle.content": "dsse-envelope", "dev.sigstore.bundle.predicateType": "https://sigstore.dev/cosign/sign/v1"]
        ).encoded()
        if listed {
            return try layout.addManifest(manifest, mediaType: MediaType.ociManifest)
        }
        return try layout.storeManifest(manifest, mediaType: MediaType.ociManifest)
    }

    /// Sets `kind=…/image` on the entry of `image` (cosign save layout).
    func markSaved(_ image: Descriptor) throws {
        try layout.updateIndex { index in
            for position in index.manifests.indices where index.manifests[position].digest == image.digest {
                var annotations = index.manifests[position].annotations ?? [:]
                annotations[AnnotationKey.cosignKind] = MediaType.isIndex(image.mediaType) ? CosignLayoutKind.imageIndex.rawValue : CosignLayoutKind.image.rawValue
                index.manifests[position].annotations = annotations
            }
        }
    }
}
