import AirlockCrypto
import DurableFiles
import Foundation

/// A file written to a staging area: its size and digest (sha256 unless it is a blob of
/// another algorithm).
struct StagedFile: Hashable {
    let size: Int64
    let digest: Digest
}

/// What an archive held once staged. Blob digests have been checked; nothing else has.
struct StagedArchive {
    let staging: StagingArea
    var hasLayoutMarker = false
    var hasIndex = false
    /// Blobs written under `blobs/`, by digest.
    var blobs: [Digest: Int64] = [:]
    /// Files below `airlock/`, by path relative to it.
    var airlockFiles: [String: StagedFile] = [:]
    /// Files of a `docker save` archive, by path.
    var dockerFiles: [String: StagedFile] = [:]
    /// `docker save` layer symlinks: link path → target path.
    var dockerLinks: [String: String] = [:]
}

/// Writes every entry of an untrusted archive into a staging area, hashing while writing,
/// and refusing an entry that would not fit in the free space of the staging file system.
/// When `durable`, each staged file is handed to the disk while it is written and fsynced,
/// so that a later rename into a layout is durable.
final class ArchiveStager {
    private let reader: ArchiveEntryReader
    private let staging: StagingArea
    private let progress: TransferProgress?
    private let durable: Bool
    /// Called after each file is staged and checked (e.g. to parse `index.json` and
    /// manifests, so that later blobs are held to the sizes they declare).
    var fileStaged: (AcceptedEntry, String) throws -> Void = { _, _ in }
    /// Which files to write; `unpack` stages all of them, `inspect` only the small ones.
    var select: (ArchiveFile) -> Selection = { _ in .stage }

    enum Selection {
        case stage
        /// Leave this file out (its data is skipped, unread and unchecked).
        case skip
        /// Stop reading the archive here.
        case stop
    }

    /// Written data is handed to the disk in steps of this size while the entry is still being
    /// read, so that the final fsync does not wait for all of it.
    static let writebackStep: Int64 = 8 << 20

    init(reader: ArchiveEntryReader, staging: StagingArea, durable: Bool, progress: TransferProgress? = nil) {
        self.reader = reader
        self.staging = staging
        self.durable = durable
        self.progress = progress
    }

    /// Stages the whole archive at `path` as a layout would be read: each blob is held to the
    /// size that `index.json` and the manifests staged before it declare (`DeclaredSizes`).
    static func stageLayout(from path: String, into staging: StagingArea, policy: ArchiveEntryPolicy = ArchiveEntryPolicy(),
                            limits: ArchiveLimits, durable: Bool, progress: TransferProgress? = nil) throws -> StagedArchive {
        let reader = ArchiveEntryReader(reader: try TarReader(path: path), policy: policy, limits: limits)
        let declared = DeclaredSizes()
        reader.declaredSize = declared.size(of:)
        let stager = ArchiveStager(reader: reader, staging: staging, durable: durable, progress: progress)
        stager.fileStaged = { entry, file in declared.learn(from: entry, at: file) }
        defer { progress?.finish() }
        return try stager.stage()
    }

    func stage() throws -> StagedArchive {
        var staged = StagedArchive(staging: staging)
        while let file = try reader.next() {
            if case .dockerLayerLink(let path, let target) = file.entry {
                staged.dockerLinks[path] = target
                continue
            }
            guard let relativePath = file.entry.relativePath else { continue }
            switch select(file) {
            case .stage: break
            case .skip: continue
            case .stop: return staged
            }
            if let available = staging.availableBytes(), file.size > available {
                throw TransferError.entry(file.name, "declares \(ByteCount(file.size)) but only \(ByteCount(available)) are free where it would be staged")
            }
            let output = try staging.createFile(relativePath)
            var written: Int64 = 0
            var flushed: Int64 = 0
            let digest = try reader.readData { block in
                try TransferError.fileSystem { try output.write(block) }
                written += Int64(block.count)
                if durable, written - flushed >= Self.writebackStep {
                    output.startWriteback(from: flushed, length: written - flushed)
                    flushed = written
                }
                progress?.update(completed: reader.bytesConsumed, total: reader.fileSize)
            }
            if durable { try TransferError.fileSystem { try output.sync() } }
            let result = StagedFile(size: file.size, digest: digest)
            switch file.entry {
            case .layoutMarker: staged.hasLayoutMarker = true
            case .index: staged.hasIndex = true
            case .blob(let blobDigest): staged.blobs[blobDigest] = file.size
            case .airlockFile(let path): staged.airlockFiles[path] = result
            case .dockerFile(let path): staged.dockerFiles[path] = result
            case .dockerLayerLink, .directory: break
            }
            try fileStaged(file.entry, staging.filePath(relativePath))
        }
        progress?.update(completed: reader.fileSize, total: reader.fileSize)
        return staged
    }
}
