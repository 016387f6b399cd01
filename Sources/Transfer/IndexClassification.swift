import AirlockCrypto
import Cosign
import OCI

/// An `index.json` entry that belongs to no image of its layout (see `IndexClassification`):
/// `unpack` refuses a tarball that has one, `inspect` lists it as unattached.
public struct UnattachedEntry: Sendable {
    public let descriptor: Descriptor
    /// Why it belongs to no image, e.g. `tagged sha256-….sig, but sha256:… is not an image…`.
    public let reason: String

    /// The entry as messages name it: its tag and digest.
    public var name: String { descriptor.refName.map { "\($0) (\(descriptor.digest))" } ?? "\(descriptor.digest)" }
}

/// What each `index.json` entry of a layout is — the rules that keep anything from reaching a
/// layout unchecked (FORMATS.md §3.1, §4.2, §5.1). Every entry is exactly one of:
///
/// - an attachment claimed by cosign's conventions: tagged `<alg>-<hex>.sig`, `.att`, `.sbom`
///   or `<alg>-<hex>` (referrers tag schema), or annotated `kind=…/sigs` or `…/atts` (which
///   names the `kind=…/image` or `…/imageIndex` entry). It belongs to the image it names only
///   when that digest is an image of the layout or one of its platform manifests, when its
///   manifest has the shape of its kind (`AttachmentShape`), and when it carries no other tag
///   and no contradicting `kind`; otherwise it is unattached — never an image;
/// - a referrer: a manifest with a `subject` that is an image of the layout or one of its
///   platform manifests, and with a referrer's shape (it cannot run as an image). It must be
///   untagged; tagged, it is unattached;
/// - an image: every other manifest or index, including one whose `subject` names no image of
///   the layout, names another attachment, or that could run as an image. Images are what the
///   arrival checks judge;
/// - unattached, too: an entry whose media type is not a manifest or an index.
struct IndexClassification {
    /// The image entries, in `index.json` order.
    private(set) var images: [Descriptor] = []
    /// The attachments, in `index.json` order.
    private(set) var attachments: [Attachment] = []
    private(set) var unattached: [UnattachedEntry] = []

    private enum Decision {
        case image
        case attachment(Attachment)
        case unattached(String)
    }

    /// Classifies `index`, reading manifests with `read`.
    init(index: ImageIndex, read: (Descriptor) throws -> ManifestDocument) throws {
        let savedImage = index.cosignImageEntry
        var decisions: [Decision?] = []
        var pending: [(position: Int, entry: Descriptor, document: ManifestDocument, claim: Claim?)] = []
        var imageDigests = Set<Digest>()
        for (position, entry) in index.manifests.enumerated() {
            decisions.append(nil)
            guard MediaType.isManifestOrIndex(entry.mediaType) else {
                decisions[position] = .unattached("its media type \(entry.mediaType.prefix(100)) is not a manifest or an index")
                continue
            }
            let document = try read(entry)
            switch Claim.of(entry, savedImage: savedImage) {
            case .failure(let refusal):
                decisions[position] = .unattached(refusal.reason)
            case .success(let claim?):
                pending.append((position, entry, document, claim))
            case .success(nil) where document.subject != nil && entry.cosignKind == nil:
                pending.append((position, entry, document, nil))
            case .success(nil):
                decisions[position] = .image
                imageDigests.insert(entry.digest)
                imageDigests.formUnion(Self.platformDigests(of: document))
            }
        }
        for (position, entry, document, claim) in pending {
            decisions[position] = try Self.decide(entry, document: document, claim: claim, attachableTo: imageDigests, read: read)
        }
        for (entry, decision) in zip(index.manifests, decisions) {
            switch decision {
            case .image?: images.append(entry)
            case .attachment(let attachment)?: attachments.append(attachment)
            case .unattached(let reason)?: unattached.append(UnattachedEntry(descriptor: entry, reason: reason))
            case nil: break
            }
        }
    }

    /// The platform manifests of an image (its index's image-manifest children), which
    /// attachments may name as well as the image.
    static func platformDigests(of document: ManifestDocument) -> [Digest] {
        guard case .index(let index) = document else { return [] }
        return index.manifests.filter { MediaType.isImageManifest($0.mediaType) }.map(\.digest)
    }

    private static func decide(_ entry: Descriptor, document: ManifestDocument, claim: Claim?, attachableTo images: Set<Digest>,
                               read: (Descriptor) throws -> ManifestDocument) throws -> Decision {
        guard let claim else {
            // A subject alone claims nothing: unless it is a well-formed referrer of an image, the entry is an image.
            guard let subject = document.subject?.digest, images.contains(subject),
                  try AttachmentShape.problem(.referrer, document: document, subject: subject, read: read) == nil else { return .image }
            if let tag = entry.refName {
                return .unattached("a referrer of \(subject) tagged \(tag): an attachment may carry no tag but its cosign tag")
            }
            return .attachment(ImageCatalog.attachment(.referrer, subject: subject, descriptor: entry, listed: true, document: document))
        }
        guard images.contains(claim.subject) else {
            return .unattached("\(claim.source) names \(claim.subject), which is neither an image of the layout nor a platform manifest of one")
        }
        if let problem = try AttachmentShape.problem(claim.kind, document: document, subject: claim.subject, read: read) {
            return .unattached("\(claim.source), but \(problem)")
        }
        return .attachment(ImageCatalog.attachment(claim.kind, subject: claim.subject, descriptor: entry, listed: true, document: document))
    }

    /// What an entry's tag or `kind` annotation says it is attached to.
    private struct Claim {
        let kind: AttachmentKind
        let subject: Digest
        /// How the claim is made, for messages (e.g. `tagged sha256-….sig`).
        let source: String

        struct Refusal: Error {
            let reason: String
        }

        /// The claim of `entry`, nil when it makes none, or why it contradicts itself.
        static func of(_ entry: Descriptor, savedImage: Descriptor?) -> Result<Claim?, Refusal> {
            let kind = entry.cosignKind
            let kindText = "\(AnnotationKey.cosignKind)=\(entry.annotation(AnnotationKey.cosignKind) ?? "")"
            let kindNamesAttachment = kind?.isAttachment == true
            if let tag = entry.refName, let scheme = CosignTag(parsing: tag) {
                guard kind == nil || (kindNamesAttachment && kind == scheme.kind.layoutKind && scheme.subject == savedImage?.digest) else {
                    return .failure(Refusal(reason: "tagged \(tag) but annotated \(kindText)"))
                }
                return .success(Claim(kind: scheme.kind, subject: scheme.subject, source: "tagged \(tag)"))
            }
            guard kindNamesAttachment else { return .success(nil) }
            if let tag = entry.refName {
                return .failure(Refusal(reason: "annotated \(kindText) but tagged \(tag): an attachment may carry no tag but its cosign tag"))
            }
            guard let savedImage else {
                return .failure(Refusal(reason: "annotated \(kindText) but the layout has no \(AnnotationKey.cosignKind)=\(CosignLayoutKind.image.rawValue) or \(CosignLayoutKind.imageIndex.rawValue) entry"))
            }
            return .success(Claim(kind: kind == .signatures ? .signatures : .attestations, subject: savedImage.digest, source: "annotated \(kindText)"))
        }
    }
}

extension CosignLayoutKind {
    /// True for `kind=…/sigs` and `…/atts`, which `cosign save` gives attachments.
    var isAttachment: Bool { self == .signatures || self == .attestations }
}

extension Attachment {
    /// The only tag its `index.json` entry may carry: cosign's tag for a signature,
    /// attestation or SBOM image or a referrers index; none for a referrer.
    var cosignTag: String? {
        kind == .referrer && !MediaType.isIndex(descriptor.mediaType) ? nil : CosignTag(subject: subject, kind: kind).name
    }
}

extension AttachmentKind {
    /// The `kind` annotation `cosign save` gives this kind of attachment, if any.
    var layoutKind: CosignLayoutKind? {
        switch self {
        case .signatures: .signatures
        case .attestations: .attestations
        case .sbom, .referrer: nil
        }
    }
}
