/// Tag bookkeeping on `index.json` entries (`org.opencontainers.image.ref.name`).
extension ImageIndex {
    /// The entries tagged `name`.
    public func entries(taggedAs name: String) -> [Descriptor] {
        manifests.filter { $0.refName == name }
    }

    /// Every tag in the index, in entry order, without repeats.
    public var tags: [String] {
        var seen = Set<String>()
        return manifests.compactMap(\.refName).filter { seen.insert($0).inserted }
    }

    /// Points tag `name` at `descriptor`'s manifest, moving it off any other entry. An
    /// untagged entry with the same digest takes the tag (keeping its other annotations, e.g.
    /// cosign's `kind`); otherwise a new entry is appended that copies the descriptor without
    /// its `ref.name` and `kind` annotations (so a layout never gains a second `kind=…/image`).
    public mutating func setTag(_ name: String, on descriptor: Descriptor) {
        let tagged = entries(taggedAs: name)
        if tagged.count == 1, tagged[0].digest == descriptor.digest { return }
        removeTag(name)
        if let untagged = manifests.firstIndex(where: { $0.digest == descriptor.digest && $0.refName == nil }) {
            manifests[untagged].annotations = (manifests[untagged].annotations ?? [:]).merging([AnnotationKey.refName: name]) { $1 }
            return
        }
        var entry = descriptor
        var annotations = descriptor.annotations ?? [:]
        annotations[AnnotationKey.cosignKind] = nil
        annotations[AnnotationKey.refName] = name
        entry.annotations = annotations
        manifests.append(entry)
    }

    /// Removes tag `name`: entries that carried nothing but the tag are dropped, others lose
    /// only the `ref.name` annotation. Returns how many entries had the tag.
    @discardableResult
    public mutating func removeTag(_ name: String) -> Int {
        var count = 0
        manifests = manifests.compactMap { entry in
            guard entry.refName == name else { return entry }
            count += 1
            var annotations = entry.annotations ?? [:]
            annotations[AnnotationKey.refName] = nil
            guard !annotations.isEmpty else { return nil }
            var kept = entry
            kept.annotations = annotations
            return kept
        }
        return count
    }
}
