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
        for manifest in try storedManifests(among: try storedBlobs(), containing: Data(#""subject""#.utf8)) {
            if let subject = manifest.document.subject?.digest {
                found[subject, default: []].append(manifest.asReferrer)
            }
        }
        return found
    }

    /// The stored blobs among `candidates` that parse as manifests or indexes (and whose
    /// bytes contain `marker`, when given: a cheap filter before hashing and JSON decoding).
    func storedManifests(among candidates: [StoredBlob], containing marker: Data? = nil) throws -> [ManifestBlob] {
        var found: [ManifestBlob] = []
        for candidate in candidates {
            guard candidate.isRegularFile, let digest = candidate.digest,
                  candidate.size > 0, candidate.size <= Int64(OCILimits.maxManifestBytes),
                  let bytes = try? jsonObjectBlob(digest, containing: marker),
                  let manifest = try? ManifestBlob(storedBytes: bytes, digest: digest) else { continue }
            found.append(manifest)
        }
        return found
    }

    /// The blob's bytes (digest checked) when its first byte is `{` and they contain `marker`
    /// (when given); nil otherwise. The file is opened once and only read past the first byte
    /// when it may be JSON; the bytes are hashed only when they pass both filters.
    private func jsonObjectBlob(_ digest: Digest, containing marker: Data?) throws -> Data? {
        guard let blob = try openBlob(digest), blob.size > 0, blob.size <= Int64(OCILimits.maxManifestBytes) else { return nil }
        var bytes = Data(count: Int(blob.size))
        let filled = try bytes.withUnsafeMutableBytes { buffer in
            let first = try blob.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<1]))
            guard first == 1, buffer[0] == UInt8(ascii: "{") else { return 0 }
            return try 1 + blob.readFully(into: UnsafeMutableRawBufferPointer(rebasing: buffer[1...]))
        }
        guard filled == bytes.count, marker.map({ bytes.range(of: $0) != nil }) ?? true,
              Digest.of(bytes, algorithm: digest.algorithm) == digest else { return nil }
        return bytes
    }
}
