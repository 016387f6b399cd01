import AirlockCrypto
import Foundation

extension OCILayout {
    /// The manifests stored in the layout whose `subject` is `digest`, sorted by digest, each
    /// described as the OCI referrers API would (media type, size, artifact type,
    /// annotations). Finds referrers present only as blobs, as `cosign save` leaves them.
    ///
    /// Cheap on big layouts: only blobs of at most `OCILimits.maxManifestBytes` whose first
    /// byte is `{` are read; blobs that do not parse as manifests are skipped.
    public func referrers(of digest: Digest) throws -> [ManifestBlob] {
        try referrersBySubject()[digest] ?? []
    }

    /// Every stored manifest that has a `subject`, grouped by subject digest and described as
    /// in `referrers(of:)`: one scan of the store, for looking up the referrers of many digests.
    public func referrersBySubject() throws -> [Digest: [ManifestBlob]] {
        var found: [Digest: [ManifestBlob]] = [:]
        for manifest in try storedManifests(among: try storedBlobs()) {
            if let subject = manifest.document.subject?.digest {
                found[subject, default: []].append(manifest.asReferrer)
            }
        }
        return found
    }

    /// The stored blobs among `candidates` that parse as manifests or indexes.
    func storedManifests(among candidates: [StoredBlob]) throws -> [ManifestBlob] {
        var found: [ManifestBlob] = []
        for candidate in candidates {
            guard candidate.isRegularFile, let digest = candidate.digest,
                  candidate.size > 0, candidate.size <= Int64(OCILimits.maxManifestBytes),
                  try startsWithBrace(digest) else { continue }
            guard let bytes = try? readBlob(digest, limit: OCILimits.maxManifestBytes),
                  let manifest = try? ManifestBlob(storedBytes: bytes, digest: digest) else { continue }
            found.append(manifest)
        }
        return found
    }

    private func startsWithBrace(_ digest: Digest) throws -> Bool {
        guard let blob = try? openBlob(digest) else { return false }
        var first: UInt8 = 0
        let count = try withUnsafeMutableBytes(of: &first) { try blob.read(into: $0) }
        return count == 1 && first == UInt8(ascii: "{")
    }
}
