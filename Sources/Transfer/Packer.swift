import AirlockCrypto
import DurableFiles
import Foundation
import OCI

/// Writes images, everything attached to them and trust material into one tarball that is an
/// OCI image layout at its root (see `PackPlan` for the order and `ContentsFile` for
/// `airlock/contents.json`). The output is deterministic and written atomically; blob data
/// is streamed in constant memory and re-hashed while copied, so a corrupt source blob stops
/// the pack and leaves no output.
public struct Packer {
    private let progress: TransferProgress?

    public init(progress: TransferProgress? = nil) {
        self.progress = progress
    }

    static let layoutMarker = Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8)

    public func pack(_ request: PackRequest) throws -> PackResult {
        guard !request.images.isEmpty else { throw TransferError(.malformed, "no image to pack") }
        var selected: [SelectedImage] = []
        for reference in request.images {
            let source = try SourceLayout.open(reference, limits: request.limits)
            let descriptor = try source.layout.resolve(reference.selector)
            let image = try ImageCatalog(layout: source.layout).entry(for: descriptor)
            selected.append(SelectedImage(source: source, image: image))
        }
        let plan = try PackPlan(images: selected, skip: request.skipBlobs)
        let trustFiles = try includedTrustFiles(request.trustMaterial)
        let contents = try Self.contents(images: selected.map(\.image), plan: plan, trustFiles: trustFiles)

        let output = try TransferError.fileSystem { try AtomicFile(beside: request.output.path, exactMode: true) }
        let writer = try TarWriter(fileDescriptor: output.file.descriptor, compression: request.compression)
        try writer.addFile("oci-layout", contents: Self.layoutMarker)
        try writer.addFile("index.json", contents: try ImageIndex(manifests: plan.indexEntries).encoded())
        try writer.addDirectory("airlock/")
        try writer.addFile(ContentsFile.archivePath, contents: try contents.encoded())
        var directories = Set<String>()
        for file in trustFiles {
            let directory = (file.archivePath as NSString).deletingLastPathComponent + "/"
            if directories.insert(directory).inserted { try writer.addDirectory(directory) }
            try writer.addFile(file.archivePath, contents: file.data)
        }
        try writer.addDirectory("blobs/")
        let packed = plan.blobs.filter { !$0.skipped }
        for algorithm in Set(packed.map(\.digest.algorithm.rawValue)).sorted() {
            try writer.addDirectory("blobs/\(algorithm)/")
        }
        let total = packed.reduce(Int64(0)) { $0 + $1.size }
        var copied: Int64 = 0
        var flushed: Int64 = 0
        defer { progress?.finish() }
        for blob in packed {
            try copy(blob, to: writer) { count in
                copied += count
                progress?.update(completed: copied, total: total)
                let position = try TransferError.fileSystem { try output.file.position() }
                if position - flushed >= ArchiveStager.writebackStep {
                    output.file.startWriteback(from: flushed, length: position - flushed)
                    flushed = position
                }
            }
        }
        try writer.finish()
        try TransferError.fileSystem { try output.commit(to: request.output.path) }
        return PackResult(images: selected.map(\.image), contents: contents, blobBytes: total,
                          skippedBlobCount: plan.blobs.count - packed.count)
    }

    private func includedTrustFiles(_ files: [TrustMaterialFile]) throws -> [IncludedTrustFile] {
        let included = try files.map(IncludedTrustFile.init)
        var seen: [String: URL] = [:]
        for (file, source) in zip(included, files) {
            if let earlier = seen[file.archivePath] {
                throw TransferError(.malformed, "\(earlier.path) and \(source.url.path) would both be \(file.archivePath); rename one")
            }
            seen[file.archivePath] = source.url
        }
        return included.sorted { $0.archivePath < $1.archivePath }
    }

    /// Streams one blob from its source layout into the tarball, hashing while copying.
    private func copy(_ blob: PackPlan.Blob, to writer: TarWriter, advanced: (Int64) throws -> Void) throws {
        let name = "\(blob.digest) in \(blob.source.displayName)"
        guard let reader = try blob.source.layout.openBlob(blob.digest) else {
            throw TransferError(.mismatch, "blob \(name) is missing")
        }
        guard reader.size == blob.size else {
            throw TransferError(.mismatch, "blob \(name) is \(reader.size) bytes but its descriptor says \(blob.size)")
        }
        try writer.beginFile(blob.digest.blobPath, size: blob.size)
        let hasher = StreamHasher(blob.digest.algorithm, expectedSize: blob.size)
        var remaining = blob.size
        do {
            while remaining > 0 {
                let chunk = try hasher.fill(upTo: Int(min(Int64(StreamHasher.chunkSize), remaining))) { try reader.read(into: $0) }
                guard !chunk.isEmpty else { throw TransferError(.mismatch, "blob \(name) ended \(remaining) bytes early") }
                try writer.write(chunk)
                remaining -= Int64(chunk.count)
                try advanced(Int64(chunk.count))
            }
        } catch {
            hasher.cancel()
            throw error
        }
        try writer.endFile()
        let actual = hasher.finish()
        guard actual == blob.digest else {
            throw TransferError(.mismatch, "blob \(name) is corrupt: its content hashes to \(actual)")
        }
    }

    static func contents(images: [ImageEntry], plan: PackPlan, trustFiles: [IncludedTrustFile]) throws -> ContentsFile {
        let tags = Dictionary(plan.indexEntries.map { ($0.digest, $0.refName) }, uniquingKeysWith: { first, _ in first })
        var attachments: [ContentsFile.AttachmentRecord] = []
        var seenAttachments = Set<String>()
        for attachment in images.flatMap(\.attachments) where seenAttachments.insert("\(attachment.subject) \(attachment.descriptor.digest)").inserted {
            attachments.append(ContentsFile.AttachmentRecord(
                kind: attachment.kind, subject: attachment.subject.description, digest: attachment.descriptor.digest.description,
                mediaType: attachment.descriptor.mediaType, artifactType: attachment.artifactType,
                predicateTypes: attachment.predicateTypes.isEmpty ? nil : attachment.predicateTypes,
                tag: attachment.isListedInIndex ? tags[attachment.descriptor.digest] ?? nil : nil,
                listedInIndex: attachment.isListedInIndex))
        }
        var seenImages = Set<String>()
        let imageRecords = images.compactMap { image -> ContentsFile.Image? in
            let tag = plan.indexEntries.first { $0.digest == image.digest && $0.refName != nil }?.refName
            guard seenImages.insert("\(image.digest) \(tag ?? "")").inserted else { return nil }
            return ContentsFile.Image(
                reference: tag, imageName: image.descriptor.annotation(AnnotationKey.imageName),
                digest: image.digest.description, mediaType: image.descriptor.mediaType,
                platforms: image.platforms.map { ContentsFile.PlatformRecord(platform: $0.platform?.description, digest: $0.descriptor.digest.description) })
        }
        return ContentsFile(
            images: imageRecords,
            attachments: attachments,
            trustMaterial: trustFiles.map {
                ContentsFile.TrustFile(path: $0.archivePath, kind: $0.kind, digest: Digest.of($0.data).description, size: Int64($0.data.count))
            },
            blobs: plan.blobs.map {
                ContentsFile.Blob(digest: $0.digest.description, size: $0.size, role: $0.role.rawValue, section: $0.section,
                                  skipped: $0.skipped ? "present at destination" : nil)
            })
    }
}
