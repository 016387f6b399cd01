import AirlockCrypto
import Cosign
import OCI

/// How an archive's `index.json` entries join those of an existing layout: existing entries
/// are kept, identical ones are not repeated, new ones are appended in archive order.
///
/// - A tag (`ref.name`) that the layout already gives to another manifest is a conflict;
///   with `force` the tag moves to the archive's manifest (as `airlock layout tag` would).
/// - cosign `kind` annotations are kept only when the layout has none, so that it never
///   holds two `kind=…/image` entries (cosign reads only the first). Where one is dropped
///   from a signature or attestation image, the entry is tagged with cosign's scheme
///   (`sha256-<hex>.sig`/`.att`) so that it stays attached to its image.
struct IndexMerge {
    let existing: ImageIndex
    let incoming: ImageIndex
    let force: Bool

    /// The merged index and how many entries were added.
    func merged() throws -> (index: ImageIndex, added: Int) {
        var result = existing
        let keepKinds = !existing.manifests.contains { $0.annotation(AnnotationKey.cosignKind) != nil }
        let savedImage = incoming.cosignImageEntry?.digest
        var added = 0
        for original in incoming.manifests where !result.manifests.contains(original) {
            var entry = original
            if !keepKinds, let kind = entry.annotation(AnnotationKey.cosignKind) {
                var annotations = entry.annotations ?? [:]
                annotations[AnnotationKey.cosignKind] = nil
                if annotations[AnnotationKey.refName] == nil, let savedImage,
                   let attachmentKind: AttachmentKind = kind == CosignLayoutKind.signatures.rawValue ? .signatures
                       : kind == CosignLayoutKind.attestations.rawValue ? .attestations : nil {
                    annotations[AnnotationKey.refName] = CosignTag(subject: savedImage, kind: attachmentKind).name
                }
                entry.annotations = annotations.isEmpty ? nil : annotations
            }
            if result.manifests.contains(entry) { continue }
            if let tag = entry.refName, let other = result.entries(taggedAs: tag).first(where: { $0.digest != entry.digest }) {
                guard force else {
                    throw TransferError(.conflict, "tag \(tag) already names \(other.digest) in the destination; the archive tags \(entry.digest) so (use --force to move the tag)")
                }
                result.removeTag(tag)
            }
            result.manifests.append(entry)
            added += 1
        }
        return (result, added)
    }
}
