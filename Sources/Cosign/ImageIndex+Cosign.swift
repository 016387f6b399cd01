import AirlockCrypto
import OCI

/// Where cosign's conventions put signatures in a layout's `index.json` (FORMATS.md §3.1,
/// §5.1, §5.5), and the rule airlock follows when it writes them.
///
/// The layout's *cosign image* is the first entry annotated `kind=dev.cosignproject.cosign/image`
/// or `…/imageIndex` — the one `cosign verify --local-image` and `cosign load` use. Its legacy
/// signatures are the entry annotated `kind=…/sigs`. Every signed manifest (the cosign image
/// or any other) also has its `.sig` image tagged `sha256-<hex>.sig`, which is what registries,
/// skopeo and airlock look up. Writing rule: a layout gets a cosign image only while it holds
/// exactly one image, and only one entry ever carries `kind=…/image`/`…/imageIndex`; in a layout
/// of several images, signatures are tagged but carry no `kind`, since cosign would attribute
/// a `sigs` entry to the cosign image.
extension ImageIndex {
    /// The first `kind=…/image` or `…/imageIndex` entry.
    public var cosignImageEntry: Descriptor? {
        manifests.first { $0.cosignKind == .image || $0.cosignKind == .imageIndex }
    }

    /// The entries holding the `.sig` image of `digest`: those tagged `sha256-<hex>.sig` and,
    /// when `digest` is the cosign image, the `kind=…/sigs` entries (as `cosign save` writes
    /// them, untagged). Each manifest digest once, in index order.
    public func signatureImageEntries(of digest: Digest) -> [Descriptor] {
        let tag = SignatureImage.tag(for: digest)
        let isCosignImage = cosignImageEntry?.digest == digest
        var seen = Set<Digest>()
        return manifests.filter { entry in
            (entry.refName == tag || (isCosignImage && entry.cosignKind == .signatures)) && seen.insert(entry.digest).inserted
        }
    }

    /// Marks the image with `digest` as the cosign image when the layout has none yet and
    /// this is its only image; an existing `.sig` entry of it then gets `kind=…/sigs`.
    mutating func adoptCosignImage(_ digest: Digest) {
        guard cosignImageEntry == nil, imageEntries.count == 1, imageEntries[0].digest == digest,
              let position = manifests.firstIndex(where: { $0.digest == digest && MediaType.isManifestOrIndex($0.mediaType) })
        else { return }
        let kind: CosignLayoutKind = MediaType.isIndex(manifests[position].mediaType) ? .imageIndex : .image
        manifests[position].annotations = (manifests[position].annotations ?? [:]).merging([AnnotationKey.cosignKind: kind.rawValue]) { $1 }
        let tag = SignatureImage.tag(for: digest)
        if let signatures = manifests.firstIndex(where: { $0.refName == tag }) {
            manifests[signatures].annotations?[AnnotationKey.cosignKind] = CosignLayoutKind.signatures.rawValue
        }
    }

    /// Points the signatures of `digest` at `signatureImage` (a stored `.sig` manifest):
    /// the entries found by `signatureImageEntries(of:)` are replaced by one entry tagged
    /// `sha256-<hex>.sig`, annotated `kind=…/sigs` when `digest` is the cosign image.
    mutating func setSignatureImage(_ signatureImage: Descriptor, of digest: Digest) {
        let tag = SignatureImage.tag(for: digest)
        let isCosignImage = cosignImageEntry?.digest == digest
        var annotations = [AnnotationKey.refName: tag]
        if isCosignImage {
            annotations[AnnotationKey.cosignKind] = CosignLayoutKind.signatures.rawValue
        }
        manifests.removeAll { $0.refName == tag || (isCosignImage && $0.cosignKind == .signatures) }
        manifests.append(Descriptor(mediaType: signatureImage.mediaType, digest: signatureImage.digest,
                                    size: signatureImage.size, annotations: annotations))
    }

    /// Lists a referrer manifest (never with a `kind`), unless it is listed already.
    mutating func addReferrer(_ referrer: Descriptor) {
        guard !manifests.contains(where: { $0.digest == referrer.digest }) else { return }
        manifests.append(Descriptor(mediaType: referrer.mediaType, digest: referrer.digest, size: referrer.size,
                                    artifactType: referrer.artifactType))
    }
}
