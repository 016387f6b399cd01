import AirlockCrypto
import DurableFiles
import Foundation
import OCI

/// What `airlock unpack` does: which tarball, into which layout, with which checks.
public struct UnpackRequest {
    public var archive: URL
    public var destination: URL
    /// Run on the staged layout before anything reaches the destination; all must pass.
    public var checks: [any ArrivalCheck]
    /// Let the archive move tags that already name other manifests in the destination.
    public var force: Bool
    public var limits: ArchiveLimits

    public init(archive: URL, destination: URL, checks: [any ArrivalCheck] = [], force: Bool = false, limits: ArchiveLimits = ArchiveLimits()) {
        self.archive = archive
        self.destination = destination
        self.checks = checks
        self.force = force
        self.limits = limits
    }
}

/// What an unpack did.
public struct UnpackResult: Sendable {
    public let images: [ImageEntry]
    public let reports: [ArrivalReport]
    /// Blobs moved into the destination, and their bytes.
    public let blobsAdded: Int
    public let bytesAdded: Int64
    /// Blobs of the archive the destination already had (not duplicated).
    public let blobsAlreadyPresent: Int
    public let indexEntriesAdded: Int
    /// True when the destination layout was created by this unpack.
    public let createdLayout: Bool
}

/// Unpacks a tarball into a layout, treating every entry as hostile until checked
/// (`ArchiveEntryPolicy`, `ArchiveEntryReader`). Blobs are hashed while they are written to a
/// staging area on the destination's file system (`StagingArea`); the staged layout is
/// reviewed as a whole (`StagedLayoutReview`); every `index.json` entry must be an image or an
/// attachment of one (`IndexClassification`), so that the arrival checks, which judge the
/// images, vouch for every entry that is merged; with checks, an archive of no image is
/// refused. Only then is it merged: into a new layout by renaming the staging directory into place, into an
/// existing one by renaming the new blobs in and replacing `index.json` atomically under the
/// layout's writer lock (`IndexMerge`). A failure, or a kill before the merge, leaves the
/// destination as it was; stale staging areas are removed by the next unpack. Trust material
/// under `airlock/` is offered to the checks but never copied into the layout.
public struct Unpacker {
    private let progress: TransferProgress?

    public init(progress: TransferProgress? = nil) {
        self.progress = progress
    }

    public func unpack(_ request: UnpackRequest) throws -> UnpackResult {
        let destination = request.destination.standardizedFileURL
        let existing = try Self.existingLayout(at: destination)
        StagingArea.removeStale(beside: destination)
        let staging = try StagingArea.create(beside: destination)
        defer { staging.remove() }

        let staged = try ArchiveStager.stageLayout(from: request.archive.path, into: staging, limits: request.limits, durable: true, progress: progress)

        var review = try StagedLayoutReview(staged: staged, destination: existing)
        try review.review()
        let catalog = try ImageCatalog(layout: review.layout)
        if let refusal = catalog.arrivalRefusal(checking: !request.checks.isEmpty) {
            throw TransferError(.rejected, "\(refusal); nothing was unpacked")
        }
        let images = try catalog.images()
        var reports: [ArrivalReport] = []
        let trust = ArchiveTrustMaterial(staged: staged)
        for check in request.checks {
            let report = try check.check(staged: review.layout, images: images, archiveTrustMaterial: trust)
            reports.append(report)
            if let failure = report.verdicts.first(where: { !$0.passed }) {
                let name = failure.tag.map { "\($0) (\(failure.image))" } ?? failure.image.description
                throw TransferError(.rejected, "arrival check \"\(report.check)\" failed for \(name): \(failure.reason); nothing was unpacked")
            }
        }

        // `staged.blobs` are the archive's own: blobs the review linked in from the destination are not among them.
        if let existing {
            let merge = try merge(staged: staged, archiveIndex: catalog.index, into: existing, force: request.force)
            return UnpackResult(images: images, reports: reports, blobsAdded: merge.added.count,
                                bytesAdded: merge.added.reduce(Int64(0)) { $0 + (staged.blobs[$1] ?? 0) },
                                blobsAlreadyPresent: staged.blobs.count - merge.added.count, indexEntriesAdded: merge.entries, createdLayout: false)
        }
        try install(staging, at: destination)
        return UnpackResult(images: images, reports: reports, blobsAdded: staged.blobs.count,
                            bytesAdded: staged.blobs.values.reduce(0, +), blobsAlreadyPresent: 0,
                            indexEntriesAdded: catalog.index.manifests.count, createdLayout: true)
    }

    /// The layout at `destination`; nil when there is none yet (absent or an empty directory).
    private static func existingLayout(at destination: URL) throws -> OCILayout? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: destination.path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else { throw TransferError(.malformed, "\(destination.path) exists and is not a directory") }
        if (try? FileManager.default.contentsOfDirectory(atPath: destination.path))?.isEmpty == true { return nil }
        do {
            return try OCILayout.open(at: destination)
        } catch let error as OCIError {
            throw TransferError(.malformed, "\(destination.path) is not an empty directory or an OCI layout: \(error.message)")
        }
    }

    /// A new layout: the staging directory itself becomes the destination, in one rename; or,
    /// when it had to be made inside the (empty) destination, its entries are moved up with
    /// `index.json` last.
    private func install(_ staging: StagingArea, at destination: URL) throws {
        try? FileManager.default.removeItem(atPath: staging.filePath("airlock"))
        try StagingArea.createDirectories(staging.filePath("blobs/sha256"))
        for directory in try FileManager.default.contentsOfDirectory(atPath: staging.filePath("blobs")) {
            try TransferError.fileSystem { try FileSystem.syncDirectory(staging.filePath("blobs/\(directory)")) }
        }
        try TransferError.fileSystem {
            try FileSystem.syncDirectory(staging.filePath("blobs"))
            try FileSystem.syncDirectory(staging.path)
        }
        if URL(fileURLWithPath: staging.path).deletingLastPathComponent().standardizedFileURL.path == destination.path {
            try TransferError.fileSystem {
                for name in ["blobs", "oci-layout", "index.json"] {
                    try FileSystem.move(staging.filePath(name), to: destination.appendingPathComponent(name).path)
                }
                try FileSystem.syncDirectory(destination.path)
            }
            return
        }
        let mask = umask(0)
        umask(mask)
        guard chmod(staging.path, 0o755 & ~mask) == 0 else {
            throw TransferError(FileSystemError(failedTo: "set the mode of", staging.path, code: errno))
        }
        try TransferError.fileSystem { try FileSystem.move(staging.path, to: destination.path) }
        staging.relinquish()
        try TransferError.fileSystem { try FileSystem.syncDirectory(destination.deletingLastPathComponent().path) }
    }

    /// An existing layout: under its writer lock, check the index merge (of the staged
    /// `archiveIndex`), rename the blobs it lacks into place (fsynced), then replace `index.json`.
    private func merge(staged: StagedArchive, archiveIndex: ImageIndex, into layout: OCILayout,
                       force: Bool) throws -> (added: [Digest], entries: Int) {
        // A conflict is reported before the lock is taken (its lock file may not exist yet).
        _ = try IndexMerge(existing: try layout.readIndex(), incoming: archiveIndex, force: force).merged()
        return try layout.updateIndex { index in
            let merge = try IndexMerge(existing: index, incoming: archiveIndex, force: force).merged()
            var added: [Digest] = []
            var touched = Set<String>()
            for digest in staged.blobs.keys.sorted() where !layout.hasBlob(digest) {
                let target = layout.blobURL(digest)
                let directory = target.deletingLastPathComponent().path
                try StagingArea.createDirectories(directory)
                try TransferError.fileSystem { try FileSystem.move(staged.staging.filePath(digest.blobPath), to: target.path) }
                touched.insert(directory)
                added.append(digest)
            }
            try TransferError.fileSystem {
                for directory in touched.sorted() { try FileSystem.syncDirectory(directory) }
            }
            index = merge.index
            return (added, merge.added)
        }
    }
}
