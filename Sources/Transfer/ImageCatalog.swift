import AirlockCrypto
import Foundation
import OCI

/// Finds the images of a layout and what is attached to them (FORMATS.md §3, §4, §5):
/// - entries tagged with cosign's scheme, `sha256-<hex>.sig` / `.att` / `.sbom` (and the
///   referrers tag schema `sha256-<hex>`), belong to the manifest `sha256:<hex>`;
/// - `cosign save`'s `kind=…/sigs` and `…/atts` entries belong to its `kind=…/image` or
///   `…/imageIndex` entry;
/// - manifests whose `subject` is an image or one of its platform manifests are referrers,
///   whether listed in `index.json` or stored only as blobs;
/// - every other manifest or index entry of `index.json` is an image.
public struct ImageCatalog {
    public let layout: OCILayout
    /// The layout's `index.json` as read.
    public let index: ImageIndex
    /// The image entries, in `index.json` order.
    public let imageEntries: [Descriptor]
    private let listedAttachments: [Digest: [Attachment]]

    public init(layout: OCILayout) throws {
        self.layout = layout
        index = try layout.readIndex()
        let savedImage = index.manifests.first { $0.cosignKind == .image || $0.cosignKind == .imageIndex }?.digest
        var images: [Descriptor] = []
        var attachments: [Digest: [Attachment]] = [:]
        for entry in index.manifests {
            if let attachment = try Self.listedAttachment(entry, savedImage: savedImage, layout: layout) {
                attachments[attachment.subject, default: []].append(attachment)
            } else if MediaType.isManifestOrIndex(entry.mediaType), entry.cosignKind != .signatures, entry.cosignKind != .attestations {
                images.append(entry)
            }
        }
        imageEntries = images
        listedAttachments = attachments
    }

    /// Every image of the layout with its platforms and attachments.
    public func images() throws -> [ImageEntry] {
        try imageEntries.map(entry(for:))
    }

    /// The image `descriptor` names (an `index.json` entry, or a manifest stored as a blob)
    /// with its platforms and attachments.
    public func entry(for descriptor: Descriptor) throws -> ImageEntry {
        let platforms = try platforms(of: descriptor)
        var attachments: [Attachment] = []
        var seen = Set<Digest>()
        for subject in ([descriptor.digest] + platforms.map(\.descriptor.digest)) where seen.insert(subject).inserted {
            let listed = listedAttachments[subject] ?? []
            attachments += listed
            let listedDigests = Set(listed.map(\.descriptor.digest))
            for referrer in try layout.referrers(of: subject) where !listedDigests.contains(referrer.descriptor.digest) {
                if index.manifests.contains(where: { $0.digest == referrer.descriptor.digest }) { continue }
                attachments.append(Self.attachment(.referrer, subject: subject, descriptor: referrer.descriptor,
                                                   listed: false, document: referrer.document))
            }
        }
        return ImageEntry(descriptor: descriptor, platforms: platforms, attachments: attachments)
    }

    private func platforms(of descriptor: Descriptor) throws -> [PlatformManifest] {
        let manifest = try layout.readManifest(descriptor)
        switch manifest.document {
        case .index(let index):
            return index.manifests.filter { MediaType.isImageManifest($0.mediaType) }.map {
                PlatformManifest(descriptor: $0, platform: $0.platform)
            }
        case .image(let image):
            return [PlatformManifest(descriptor: descriptor, platform: descriptor.platform ?? configPlatform(image.config))]
        }
    }

    /// `os`/`architecture`/`variant` of an image config, when it is present and readable.
    private func configPlatform(_ config: Descriptor) -> Platform? {
        struct Config: Decodable {
            let os: String?
            let architecture: String?
            let variant: String?
        }
        guard config.size <= Int64(OCILimits.maxManifestBytes),
              let bytes = try? layout.readBlob(config, limit: OCILimits.maxManifestBytes),
              let parsed = try? JSONDecoder().decode(Config.self, from: bytes),
              let os = parsed.os, let architecture = parsed.architecture, !os.isEmpty, !architecture.isEmpty else { return nil }
        return Platform(os: os, architecture: architecture, variant: parsed.variant)
    }

    /// The attachment an `index.json` entry is, if it is one.
    private static func listedAttachment(_ entry: Descriptor, savedImage: Digest?, layout: OCILayout) throws -> Attachment? {
        var kind: AttachmentKind?
        var subject: Digest?
        if let tag = entry.refName, let scheme = CosignTag(parsing: tag) {
            (kind, subject) = (scheme.kind, scheme.subject)
        } else if entry.cosignKind == .signatures || entry.cosignKind == .attestations {
            kind = entry.cosignKind == .signatures ? .signatures : .attestations
            subject = savedImage
        }
        guard MediaType.isManifestOrIndex(entry.mediaType) else { return nil }
        let manifest = try layout.readManifest(entry)
        if kind == nil, let target = manifest.document.subject {
            (kind, subject) = (.referrer, target.digest)
        }
        guard let kind, let subject else { return nil }
        return attachment(kind, subject: subject, descriptor: entry, listed: true, document: manifest.document)
    }

    private static func attachment(_ kind: AttachmentKind, subject: Digest, descriptor: Descriptor, listed: Bool,
                                   document: ManifestDocument) -> Attachment {
        var predicateTypes: [String] = []
        var layerCount = 0
        var artifactType = descriptor.artifactType ?? document.artifactType
        if let type = document.annotations?["dev.sigstore.bundle.predicateType"] { predicateTypes.append(type) }
        switch document {
        case .image(let image):
            layerCount = image.layers.count
            predicateTypes += image.layers.compactMap { $0.annotation("predicateType") }
            if artifactType == nil, image.config.mediaType != MediaType.ociConfig, image.config.mediaType != MediaType.dockerConfig {
                artifactType = image.config.mediaType
            }
        case .index(let index):
            layerCount = index.manifests.count
        }
        var seen = Set<String>()
        return Attachment(kind: kind, subject: subject, descriptor: descriptor, isListedInIndex: listed, artifactType: artifactType,
                          predicateTypes: predicateTypes.filter { seen.insert($0).inserted }, layerCount: layerCount)
    }
}

/// A tag of cosign's scheme, `<alg>-<hex>[.sig|.att|.sbom]` (FORMATS.md §3.1), or of the
/// referrers tag schema `<alg>-<hex>` (§4.2).
struct CosignTag: Hashable {
    let subject: Digest
    let kind: AttachmentKind

    init(subject: Digest, kind: AttachmentKind) {
        self.subject = subject
        self.kind = kind
    }

    init?(parsing tag: String) {
        var stem = Substring(tag)
        var kind = AttachmentKind.referrer
        for (suffix, suffixKind) in [(".sig", AttachmentKind.signatures), (".att", .attestations), (".sbom", .sbom)] where stem.hasSuffix(suffix) {
            stem = stem.dropLast(suffix.count)
            kind = suffixKind
        }
        guard let dash = stem.firstIndex(of: "-"),
              let digest = try? Digest(parsing: "\(stem[..<dash]):\(stem[stem.index(after: dash)...])") else { return nil }
        self.init(subject: digest, kind: kind)
    }

    /// The tag spelling, e.g. `sha256-<hex>.sig`.
    var name: String {
        let suffix = switch kind {
        case .signatures: ".sig"
        case .attestations: ".att"
        case .sbom: ".sbom"
        case .referrer: ""
        }
        return "\(subject.algorithm.rawValue)-\(subject.hex)\(suffix)"
    }
}
