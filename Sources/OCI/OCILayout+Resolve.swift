import AirlockCrypto
import Foundation

extension OCILayout {
    /// Finds the descriptor a reference selects:
    /// - `.soleImage`: the first `kind=dev.cosignproject.cosign/image` or `…/imageIndex` entry
    ///   (cosign save layouts); otherwise the only image entry of `index.json`, where
    ///   signature-like entries do not count (cosign `sigs`/`atts` kinds, entries with an
    ///   `artifactType`, tags of cosign's `sha256-<hex>[.sig|.att|.sbom]` scheme). Several
    ///   images is an error that lists their tags.
    /// - `.tag(t)`: the entry whose `ref.name` is `t` (an error if none, or several that differ).
    /// - `.digest(d)`: an `index.json` entry with that digest, else a manifest or index stored
    ///   only as a blob (a platform manifest, a referrer), described from its content.
    public func resolve(_ selector: LayoutReference.Selector) throws -> Descriptor {
        let index = try readIndex()
        switch selector {
        case .soleImage:
            return try soleImage(in: index)
        case .tag(let tag):
            let tagged = index.entries(taggedAs: tag)
            guard let first = tagged.first else {
                let known = index.tags
                throw OCIError(.notFound, "no tag \"\(tag)\" in \(displayName)"
                    + (known.isEmpty ? " (it has no tags)" : "; tags: \(known.joined(separator: ", "))"))
            }
            guard tagged.allSatisfy({ $0.digest == first.digest }) else {
                throw OCIError(.ambiguous, "tag \"\(tag)\" names \(tagged.count) different manifests in \(displayName); use DIR@DIGEST")
            }
            return first
        case .digest(let digest):
            if let entry = index.manifests.first(where: { $0.digest == digest }) {
                return entry
            }
            guard hasBlob(digest) else {
                throw OCIError(.notFound, "no manifest \(digest) in \(displayName)")
            }
            let bytes = try readBlob(digest, limit: OCILimits.maxManifestBytes)
            do {
                return try ManifestBlob(storedBytes: bytes, digest: digest).descriptor
            } catch let error as OCIError {
                throw OCIError(error.kind, "\(digest) is not a manifest or index: \(error.message)")
            }
        }
    }

    private func soleImage(in index: ImageIndex) throws -> Descriptor {
        if let saved = index.manifests.first(where: { $0.cosignKind == .image || $0.cosignKind == .imageIndex }) {
            return saved
        }
        let images = index.manifests.filter(Self.isImageEntry)
        let distinct = index.imageEntries
        switch distinct.count {
        case 1:
            return images[0]
        case 0:
            throw OCIError(.notFound, "\(displayName) holds no image (index.json lists \(index.manifests.count) entries, none an image)")
        default:
            let names = distinct.map { entry in
                let tags = images.filter { $0.digest == entry.digest }.compactMap(\.refName)
                return tags.isEmpty ? "\(entry.digest) (untagged)" : tags.joined(separator: ", ")
            }
            throw OCIError(.ambiguous, "\(displayName) holds \(distinct.count) images; name one as DIR:TAG or DIR@DIGEST: \(names.joined(separator: "; "))")
        }
    }

    /// An `index.json` entry that is an image rather than a signature or other artifact.
    static func isImageEntry(_ entry: Descriptor) -> Bool {
        guard MediaType.isManifestOrIndex(entry.mediaType) else { return false }
        if let artifactType = entry.artifactType, artifactType != MediaType.ociConfig, artifactType != MediaType.dockerConfig {
            return false
        }
        if let kind = entry.cosignKind, kind == .signatures || kind == .attestations { return false }
        if let tag = entry.refName, CosignSchemeTag(parsing: tag) != nil { return false }
        return true
    }
}

extension ImageIndex {
    /// The entries that are images rather than signatures or other artifacts (the rule of
    /// `OCILayout.resolve(.soleImage)`), the first entry of each digest, in index order.
    public var imageEntries: [Descriptor] {
        var seen = Set<Digest>()
        return manifests.filter { OCILayout.isImageEntry($0) && seen.insert($0.digest).inserted }
    }
}
