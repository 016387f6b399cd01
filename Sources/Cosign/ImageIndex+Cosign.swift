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

    /// The entries holding `.sig` images, by the digest they sign: those tagged
    /// `sha256-<hex>.sig`, and the `kind=…/sigs` entries (as `cosign save` writes them,
    /// untagged) under the cosign image's digest. Each manifest digest once per signed
    /// digest, in index order. One pass over the index, for looking up many images.
    public var signatureImages: [Digest: [Descriptor]] {
        let cosignImage = cosignImageEntry?.digest
        var found: [Digest: [Descriptor]] = [:]
        for entry in manifests {
            var signed: [Digest] = []
            if let tag = entry.refName, let digest = SignatureImage.signedDigest(tag: tag) { signed.append(digest) }
            if let cosignImage, entry.cosignKind == .signatures, !signed.contains(cosignImage) { signed.append(cosignImage) }
            for digest in signed where !(found[digest]?.contains { $0.digest == entry.digest } ?? false) {
                found[digest, default: []].append(entry)
            }
        }
        return found
    }

    /// Marks the layout's only image as the cosign image when it is among `digests` and the
    /// layout has none yet; an existing `.sig` entry of it then gets `kind=…/sigs`.
    mutating func adoptCosignImage(among digests: Set<Digest>) {
        let images = imageEntries
        guard cosignImageEntry == nil, images.count == 1, case let digest = images[0].digest, digests.contains(digest),
              let position = manifests.firstIndex(where: { $0.digest == digest && MediaType.isManifestOrIndex($0.mediaType) })
        else { return }
        let kind: CosignLayoutKind = MediaType.isIndex(manifests[position].mediaType) ? .imageIndex : .image
        manifests[position].annotations = (manifests[position].annotations ?? [:]).merging([AnnotationKey.cosignKind: kind.rawValue]) { $1 }
        let tag = SignatureImage.tag(for: digest)
        if let signatures = manifests.firstIndex(where: { $0.refName == tag }) {
            manifests[signatures].annotations?[AnnotationKey.cosignKind] = CosignLayoutKind.signatures.rawValue
        }
    }

    /// Replaces the entries `replaced` (the current `.sig` entries of `digest`) by one entry
    /// for `signatureImage` (a stored `.sig` manifest) tagged `sha256-<hex>.sig`, annotated
    /// `kind=…/sigs` when `digest` is the cosign image `cosignImage`. Returns the new entry.
    @discardableResult
    mutating func setSignatureImage(_ signatureImage: Descriptor, of digest: Digest, replacing replaced: [Descriptor],
                                    cosignImage: Digest?) -> Descriptor {
        var annotations = [AnnotationKey.refName: SignatureImage.tag(for: digest)]
        if cosignImage == digest {
            annotations[AnnotationKey.cosignKind] = CosignLayoutKind.signatures.rawValue
        }
        if !replaced.isEmpty {
            let digests = Set(replaced.map(\.digest))
            manifests.removeAll { digests.contains($0.digest) && replaced.contains($0) }
        }
        let entry = Descriptor(mediaType: signatureImage.mediaType, digest: signatureImage.digest, size: signatureImage.size,
                               annotations: annotations)
        manifests.append(entry)
        return entry
    }

    /// Lists a referrer manifest (never with a `kind`), unless it is listed already.
    mutating func addReferrer(_ referrer: Descriptor) {
        guard !manifests.contains(where: { $0.digest == referrer.digest }) else { return }
        manifests.append(Descriptor(mediaType: referrer.mediaType, digest: referrer.digest, size: referrer.size,
                                    artifactType: referrer.artifactType))
    }
}
