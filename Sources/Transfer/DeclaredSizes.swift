import AirlockCrypto
import Foundation
import OCI

/// The sizes (and media types) that the part of a layout read so far declares for its blobs:
/// `index.json` and the manifests staged before the blobs they describe. The stager holds
/// each later blob entry to its declared size at its header, so a forged size in an airlock
/// tarball (manifests first) is refused before any of its data is written. Blobs of tarballs
/// ordered otherwise are checked after staging, by `StagedLayoutReview`.
final class DeclaredSizes {
    private var sizes: [Digest: Int64] = [:]
    private var mediaTypes: [Digest: String] = [:]

    func size(of digest: Digest) -> Int64? { sizes[digest] }

    /// Reads a staged file that may declare blobs: `index.json`, or a blob already declared
    /// as a manifest or index. Files that do not parse are left to the later review.
    func learn(from entry: AcceptedEntry, at path: String) {
        let document: ManifestDocument?
        switch entry {
        case .index:
            document = (try? readFile(URL(fileURLWithPath: path), limit: OCILimits.maxManifestBytes, what: "index.json"))
                .flatMap { try? ImageIndex.decode($0) }.map(ManifestDocument.index)
        case .blob(let digest):
            guard let mediaType = mediaTypes[digest], MediaType.isManifestOrIndex(mediaType) else { return }
            document = (try? readFile(URL(fileURLWithPath: path), limit: OCILimits.maxManifestBytes, what: "manifest"))
                .flatMap { try? ManifestDocument.parse($0, mediaType: mediaType) }
        default:
            return
        }
        switch document {
        case .index(let index)?: index.manifests.forEach(declare)
        case .image(let manifest)?: ([manifest.config] + manifest.layers).forEach(declare)
        case nil: break
        }
    }

    private func declare(_ descriptor: Descriptor) {
        if sizes[descriptor.digest] == nil { sizes[descriptor.digest] = descriptor.size }
        if mediaTypes[descriptor.digest] == nil { mediaTypes[descriptor.digest] = descriptor.mediaType }
    }
}
