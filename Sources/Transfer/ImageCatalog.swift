import AirlockCrypto
import Foundation
import OCI

/// Finds the images of a layout and what is attached to them, by the rules of
/// `IndexClassification` (FORMATS.md §3, §4, §5): `index.json` entries tagged with cosign's
/// scheme or annotated `kind=…/sigs`/`…/atts`, and untagged referrers, belong to the image
/// they name; every other manifest or index entry is an image; an entry that claims to be an
/// attachment but belongs to no image is unattached. Referrers stored only as blobs (as
/// `cosign save` leaves them) belong to the image their `subject` names.
public struct ImageCatalog {
    public let layout: OCILayout
    /// The layout's `index.json` as read.
    public let index: ImageIndex
    /// The image entries, in `index.json` order.
    public let imageEntries: [Descriptor]
    /// The entries that belong to no image, in `index.json` order.
    public let unattached: [UnattachedEntry]
    private let listedAttachments: [Digest: [Attachment]]
    private let listedAttachmentDigests: Set<Digest>

    public init(layout: OCILayout) throws {
        self.layout = layout
        index = try layout.readIndex()
        let classification = try IndexClassification(index: index) { try layout.readManifest($0).document }
        imageEntries = classification.images
        unattached = classification.unattached
        listedAttachments = Dictionary(grouping: classification.attachments, by: \.subject)
        listedAttachmentDigests = Set(classification.attachments.map(\.descriptor.digest))
    }

    /// Why the layout cannot arrive whatever its signatures, if it cannot: an `index.json`
    /// entry that belongs to no image (it would be merged unchecked), or, when `checking`, no
    /// image at all (nothing would be checked). `holder` names the layout in the message.
    public func arrivalRefusal(checking: Bool, holder: String = "the tarball") -> String? {
        if let entry = unattached.first {
            let others = unattached.count > 1 ? " (and \(unattached.count - 1) more)" : ""
            return "index.json entry \(entry.name) belongs to no image\(others): \(entry.reason)"
        }
        return checking && imageEntries.isEmpty ? "\(holder) holds no image, so no check can pass" : nil
    }

    /// Every image of the layout with its platforms and attachments.
    public func images() throws -> [ImageEntry] {
        var scanned: [Digest: [ManifestBlob]]?
        return try imageEntries.map { descriptor in
            try entry(for: descriptor) {
                let referrers = try scanned ?? layout.referrersBySubject()
                scanned = referrers
                return referrers
            }
        }
    }

    /// The image `descriptor` names (an `index.json` entry, or a manifest stored as a blob)
    /// with its platforms and attachments.
    public func entry(for descriptor: Descriptor) throws -> ImageEntry {
        try entry(for: descriptor) { try layout.referrersBySubject() }
    }

    /// `entry(for:)` with the layout's referrers by subject from `referrers`, which is called
    /// once the platforms are read (so that `images()` scans the blob store once, at its first image).
    private func entry(for descriptor: Descriptor, referrers: () throws -> [Digest: [ManifestBlob]]) throws -> ImageEntry {
        let platforms = try platforms(of: descriptor)
        let referrers = try referrers()
        var attachments: [Attachment] = []
        var seen = Set<Digest>()
        for subject in ([descriptor.digest] + platforms.map(\.descriptor.digest)) where seen.insert(subject).inserted {
            let listed = listedAttachments[subject] ?? []
            attachments += listed
            let listedDigests = Set(listed.map(\.descriptor.digest))
            for referrer in referrers[subject] ?? [] where !listedDigests.contains(referrer.descriptor.digest) {
                // Listed as an image or as another image's attachment; an unattached entry (a tagged referrer)
                // still counts here, as a blob, so that pack carries it without its tag.
                if imageEntries.contains(where: { $0.digest == referrer.descriptor.digest }) || listedAttachmentDigests.contains(referrer.descriptor.digest) { continue }
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

    static func attachment(_ kind: AttachmentKind, subject: Digest, descriptor: Descriptor, listed: Bool,
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
