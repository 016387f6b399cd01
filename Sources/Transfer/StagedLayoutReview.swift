import AirlockCrypto
import Foundation
import OCI

/// Checks a staged archive as a whole, once every entry is written and every blob's digest
/// matched its name: the layout must have `oci-layout` and `index.json`; every blob reachable
/// from `index.json` (and from referrers of reachable manifests, which `cosign save` leaves
/// only as blobs) must be staged with the size its descriptor declares — or, for a delta
/// pack, already be in the destination, in which case it is hard-linked into the staging
/// area so that checks see a complete layout; and no staged blob may be unreachable.
struct StagedLayoutReview {
    let staged: StagedArchive
    let layout: OCILayout
    let destination: OCILayout?

    /// Blobs that came from the destination instead of the archive.
    private var linkedFromDestination = Set<Digest>()

    init(staged: StagedArchive, destination: OCILayout?) throws {
        guard staged.hasLayoutMarker else {
            throw TransferError(.malformed, "the archive has no oci-layout entry: it is not an OCI image layout tarball")
        }
        guard staged.hasIndex else {
            throw TransferError(.malformed, "the archive has no index.json entry: it is not an OCI image layout tarball")
        }
        self.staged = staged
        self.destination = destination
        do {
            layout = try OCILayout.open(at: URL(fileURLWithPath: staged.staging.path))
        } catch let error as OCIError {
            throw TransferError(.malformed, "the archive's layout is unusable: \(error.message)")
        }
    }

    /// Runs every check.
    mutating func review() throws {
        var roots = try layout.readIndex().manifests
        var reachable: [Digest: ReachableBlob] = [:]
        var considered = Set<Digest>()
        while true {
            let walk = try walkLinkingMissing(from: roots)
            for blob in walk.blobs where reachable[blob.descriptor.digest] == nil {
                reachable[blob.descriptor.digest] = blob
            }
            let manifestDigests = Set(walk.manifests.map(\.descriptor.digest)).union(reachable.values.filter { [.index, .manifest].contains($0.role) }.map(\.descriptor.digest))
            let referrers = try unreachedReferrers(of: manifestDigests, excluding: Set(reachable.keys), considered: &considered)
            if referrers.isEmpty { break }
            roots = referrers
        }
        for (digest, size) in staged.blobs.sorted(by: { $0.key.description < $1.key.description }) {
            guard let blob = reachable[digest] else {
                throw TransferError(.hostileEntry, "archive entry \(TransferError.quoted(digest.blobPath)): not referenced by index.json or by any manifest of the archive")
            }
            guard blob.descriptor.size == size else {
                throw TransferError(.mismatch, "archive entry \(TransferError.quoted(digest.blobPath)): \(size) bytes but its descriptor says \(blob.descriptor.size)")
            }
        }
    }

    /// Walks from `roots`; blobs missing from the archive but present in the destination with
    /// the declared size are linked in (manifests among them, then the walk is repeated).
    private mutating func walkLinkingMissing(from roots: [Descriptor]) throws -> LayoutWalk {
        for _ in 0...OCILimits.maxNestingDepth {
            let walk = layout.walk(from: roots)
            var linkedManifest = false
            for problem in walk.problems {
                guard problem.error.kind == .missing, let digest = problem.digest,
                      let descriptor = walk.blobs.first(where: { $0.descriptor.digest == digest })?.descriptor else {
                    throw describe(problem)
                }
                try linkFromDestination(descriptor)
                linkedManifest = true
            }
            if linkedManifest { continue }
            for blob in walk.blobs where staged.blobs[blob.descriptor.digest] == nil && !linkedFromDestination.contains(blob.descriptor.digest) {
                try linkFromDestination(blob.descriptor)
            }
            return walk
        }
        throw TransferError(.malformed, "archive: manifests left out of the archive are nested too deeply")
    }

    private func describe(_ problem: LayoutProblem) -> TransferError {
        if let digest = problem.digest, problem.error.kind != .missing {
            return TransferError(.mismatch, "archive entry \(TransferError.quoted(digest.blobPath)): \(problem.error.message)")
        }
        return TransferError(problem.error.isIntegrityFailure ? .mismatch : .malformed, "archive: \(problem.error.message)")
    }

    private mutating func linkFromDestination(_ descriptor: Descriptor) throws {
        let digest = descriptor.digest
        guard let destination, let existing = try destination.openBlob(digest) else {
            throw TransferError(.mismatch, "blob \(digest) is neither in the archive nor in the destination layout")
        }
        guard existing.size == descriptor.size else {
            throw TransferError(.mismatch, "blob \(digest) left out of the archive is \(existing.size) bytes in the destination, not \(descriptor.size)")
        }
        let target = staged.staging.filePath(digest.blobPath)
        try StagingArea.createDirectories((target as NSString).deletingLastPathComponent)
        if link(destination.blobURL(digest).path, target) != 0 {
            do {
                try FileManager.default.copyItem(atPath: destination.blobURL(digest).path, toPath: target)
            } catch {
                throw TransferError(.io, "cannot stage \(digest) from the destination: \(error.localizedDescription)")
            }
        }
        linkedFromDestination.insert(digest)
    }

    /// Staged manifests not reached yet whose `subject` is one of `subjects`, described as roots.
    private func unreachedReferrers(of subjects: Set<Digest>, excluding reached: Set<Digest>, considered: inout Set<Digest>) throws -> [Descriptor] {
        var found: [Descriptor] = []
        for (digest, size) in staged.blobs.sorted(by: { $0.key.description < $1.key.description })
        where !reached.contains(digest) && size <= Int64(OCILimits.maxManifestBytes) && !considered.contains(digest) {
            guard let bytes = try? layout.readBlob(digest, limit: OCILimits.maxManifestBytes), bytes.first == UInt8(ascii: "{"),
                  let document = try? ManifestDocument.parse(bytes, mediaType: nil),
                  let subject = document.subject, subjects.contains(subject.digest) else { continue }
            considered.insert(digest)
            let isIndex = if case .index = document { true } else { false }
            let mediaType = document.mediaType ?? (isIndex ? MediaType.ociIndex : MediaType.ociManifest)
            found.append(Descriptor(mediaType: mediaType, digest: digest, size: size))
        }
        return found
    }
}
