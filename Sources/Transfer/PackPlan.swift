import AirlockCrypto
import Foundation
import OCI

/// An image chosen for packing and the layout it comes from.
struct SelectedImage {
    let source: SourceLayout
    let image: ImageEntry
}

/// What goes into a tarball and in which order: the `index.json` entries and every blob,
/// metadata first (indexes and manifests, then configs and small attachment blobs), then
/// content (layers), each group sorted by digest, so that the same inputs give the same order.
struct PackPlan {
    struct Blob {
        let digest: Digest
        let size: Int64
        let role: BlobRole
        let section: BlobSection
        let source: SourceLayout
        let skipped: Bool
    }

    /// Blobs of attachments up to this size are metadata (signature payloads, bundles).
    static let smallAttachmentBlob: Int64 = Int64(OCILimits.maxManifestBytes)

    let indexEntries: [Descriptor]
    let blobs: [Blob]

    init(images: [SelectedImage], skip: Inventory?) throws {
        indexEntries = try Self.indexEntries(images)
        let skipSizes = skip?.sizesByDigest ?? [:]
        var found: [Digest: Blob] = [:]
        for selected in images {
            let attachmentRoots = selected.image.attachments.map(\.descriptor)
            for (roots, fromAttachments) in [([selected.image.descriptor], false), (attachmentRoots, true)] {
                let walk = selected.source.layout.walk(from: roots)
                if let problem = walk.problems.first {
                    throw TransferError(.mismatch, "\(selected.source.displayName): \(problem)")
                }
                for reachable in walk.blobs {
                    let blob = Self.blob(reachable, fromAttachments: fromAttachments, source: selected.source, skipSizes: skipSizes)
                    if let previous = found[blob.digest] {
                        guard previous.size == blob.size else {
                            throw TransferError(.mismatch, "\(blob.digest) has size \(previous.size) in \(previous.source.displayName) but \(blob.size) in \(blob.source.displayName)")
                        }
                        if previous.section == .metadata || blob.section == .content { continue }
                    }
                    found[blob.digest] = blob
                }
            }
        }
        blobs = found.values.sorted { a, b in
            let (rankA, rankB) = (Self.rank(a), Self.rank(b))
            return rankA != rankB ? rankA < rankB : a.digest.description < b.digest.description
        }
    }

    private static func blob(_ reachable: ReachableBlob, fromAttachments: Bool, source: SourceLayout, skipSizes: [Digest: Int64]) -> Blob {
        let descriptor = reachable.descriptor
        let structural = [BlobRole.index, .manifest, .config].contains(reachable.role)
        let isMetadata = structural || (fromAttachments && descriptor.size <= smallAttachmentBlob)
        let skipped = !structural && skipSizes[descriptor.digest] == descriptor.size
        return Blob(digest: descriptor.digest, size: descriptor.size, role: reachable.role, section: isMetadata ? .metadata : .content,
                    source: source, skipped: skipped)
    }

    private static func rank(_ blob: Blob) -> Int {
        switch (blob.section, blob.role) {
        case (.metadata, .index), (.metadata, .manifest): 0
        case (.metadata, _): 1
        case (.content, _): 2
        }
    }

    /// The images' `index.json` entries, each followed by its listed attachments, so that
    /// `unpack` finds each attachment with its image (`IndexClassification`): an attachment
    /// carries its cosign tag (`sha256-<hex>.sig`/`.att`/`.sbom`, or `sha256-<hex>` for a
    /// referrers index) and no other, a referrer no tag; an image may not carry a cosign tag or
    /// `kind=…/sigs`/`…/atts`. cosign `kind` annotations are kept only for one image whose
    /// entry is `kind=…/image` or `…/imageIndex` (cosign would read only the first), the tags
    /// keeping each attachment with its image otherwise.
    private static func indexEntries(_ images: [SelectedImage]) throws -> [Descriptor] {
        let keepKinds = Set(images.map(\.image.digest)).count == 1
            && images.contains { [.image, .imageIndex].contains($0.image.descriptor.cosignKind) }
        var entries: [Descriptor] = []
        func add(_ original: Descriptor, attachment: Attachment?) throws {
            var entry = original
            var annotations = entry.annotations ?? [:]
            if !keepKinds { annotations[AnnotationKey.cosignKind] = nil }
            if let attachment {
                annotations[AnnotationKey.refName] = attachment.cosignTag
            } else if let tag = entry.refName, CosignTag(parsing: tag) != nil {
                throw TransferError(.malformed, "\(entry.digest) is tagged \(tag), cosign's tag for an attachment, not an image: pack the image it belongs to")
            } else if let kind = entry.cosignKind, kind.isAttachment {
                throw TransferError(.malformed, "\(entry.digest) is annotated \(AnnotationKey.cosignKind)=\(kind.rawValue), an attachment, not an image: pack the image it belongs to")
            }
            entry.annotations = annotations.isEmpty ? nil : annotations
            if entries.contains(entry) { return }
            if let tag = entry.refName, let other = entries.first(where: { $0.refName == tag && $0.digest != entry.digest }) {
                throw TransferError(.conflict, "two different manifests would be tagged \(tag) in the tarball: \(other.digest) and \(entry.digest)")
            }
            entries.append(entry)
        }
        for selected in images {
            try add(selected.image.descriptor, attachment: nil)
            for attachment in selected.image.attachments where attachment.isListedInIndex {
                try add(attachment.descriptor, attachment: attachment)
            }
        }
        return entries
    }
}
