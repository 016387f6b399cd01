import AirlockCrypto
import DurableFiles
import Foundation

/// Streams one blob into a layout: bytes go to a temporary file in `.airlock-tmp/` and are
/// hashed as they are written; `commit()` fsyncs and renames the file to
/// `blobs/<alg>/<hex>` (`AtomicFile`) only if the digest (and the expected size, when given) match.
///
/// A blob already stored with the same size is left untouched. A writer that is not
/// committed (an error, `cancel()`, or release) removes its temporary file, so a failed
/// write leaves nothing behind. Not thread-safe: one writer per stream.
public final class BlobWriter {
    /// The digest the content must have, if known in advance.
    public let expectedDigest: Digest?
    /// The length the content must have, if known in advance; writing past it fails at once.
    public let expectedSize: Int64?
    /// Bytes written so far.
    public private(set) var size: Int64 = 0

    private let layout: OCILayout
    private let hasher: DigestStream
    /// The temporary file in `.airlock-tmp/`; nil once committed or cancelled.
    private var file: AtomicFile?

    init(layout: OCILayout, expectedDigest: Digest?, expectedSize: Int64?) throws {
        self.layout = layout
        self.expectedDigest = expectedDigest
        self.expectedSize = expectedSize
        hasher = DigestStream(expectedDigest?.algorithm ?? .sha256)
        let directory = try layout.temporaryDirectory()
        file = try OCIError.fileSystem { try AtomicFile(in: directory, prefix: "blob.", exactMode: true) }
    }

    /// Appends bytes to the blob.
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard let file else { throw OCIError(.io, "blob writer used after commit or cancel") }
        if let expectedSize, size + Int64(buffer.count) > expectedSize {
            cancel()
            throw OCIError(.sizeMismatch, "\(expectedDigest.map { "\($0)" } ?? "blob") is longer than its expected size \(expectedSize)")
        }
        do {
            try file.file.write(buffer)
        } catch {
            cancel()
            throw OCIError(error)
        }
        hasher.update(buffer)
        size += Int64(buffer.count)
    }

    /// Appends bytes to the blob.
    public func write<D: DataProtocol>(_ data: D) throws {
        for region in data.regions {
            try region.withUnsafeBytes { try write($0) }
        }
    }

    /// Checks and stores the blob; returns its digest. On a mismatch nothing is stored.
    @discardableResult
    public func commit() throws -> Digest {
        guard let file else { throw OCIError(.io, "blob writer used after commit or cancel") }
        defer { cancel() }
        let digest = hasher.finish()
        if let expectedSize, size != expectedSize {
            throw OCIError(.sizeMismatch, "\(expectedDigest ?? digest) size \(size) != expected \(expectedSize)")
        }
        if let expectedDigest, digest != expectedDigest {
            throw OCIError(.digestMismatch, "\(expectedDigest) digest mismatch (content hashes to \(digest))")
        }
        if let existing = try? layout.openBlob(digest), existing.size == size {
            return digest
        }
        try OCIError.fileSystem {
            try FileSystem.ensureDirectory(layout.filePath("blobs"))
            try FileSystem.ensureDirectory(layout.filePath("blobs/\(digest.algorithm.rawValue)"))
            try file.commit(to: layout.blobURL(digest).path)
        }
        return digest
    }

    /// Abandons the blob and removes the temporary file.
    public func cancel() {
        file?.discard()
        file = nil
    }
}

extension OCILayout {
    /// Starts streaming a blob into the layout. Pass the digest and size when they are known
    /// (e.g. from a descriptor) so that content which does not match is never stored.
    public func makeBlobWriter(expectedDigest: Digest? = nil, expectedSize: Int64? = nil) throws -> BlobWriter {
        try BlobWriter(layout: self, expectedDigest: expectedDigest, expectedSize: expectedSize)
    }

    /// Stores `data` as a sha256 blob (no-op if present) and returns its digest.
    @discardableResult
    public func addBlob(_ data: Data) throws -> Digest {
        let writer = try makeBlobWriter(expectedSize: Int64(data.count))
        try writer.write(data)
        return try writer.commit()
    }
}
