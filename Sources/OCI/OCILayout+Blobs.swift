import AirlockCrypto
import DurableFiles
import Foundation

/// A blob opened for streaming: a regular file under `blobs/`, never a symlink.
public final class BlobReader {
    public let digest: Digest
    /// The length of the stored file.
    public let size: Int64
    private let file: OpenFile

    init(digest: Digest, size: Int64, file: OpenFile) {
        self.digest = digest
        self.size = size
        self.file = file
    }

    /// Reads the next bytes into `buffer`; returns 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        do {
            return try file.read(into: buffer)
        } catch {
            throw OCIError(error)
        }
    }

    /// Reads until `buffer` is full or the blob ends; returns how many bytes were read.
    func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    /// Hashes the rest of the blob with `digest`'s algorithm in 1 MiB chunks, in constant
    /// memory, and throws unless it matches `digest` and `size`. With `overlapped`, a blob of
    /// at least `StreamHasher.backgroundThreshold` bytes is hashed on a second thread while
    /// the next chunks are read (worth it when a core would otherwise sit idle).
    public func verifyContent(overlapped: Bool = false) throws {
        let hasher = StreamHasher(digest.algorithm, inBackground: overlapped && size >= StreamHasher.backgroundThreshold)
        var total: Int64 = 0
        while true {
            let chunk = try hasher.fill(upTo: StreamHasher.chunkSize) { try read(into: $0) }
            if chunk.isEmpty { break }
            total += Int64(chunk.count)
        }
        guard total == size else {
            throw OCIError(.io, "\(digest): read \(total) bytes but the file holds \(size)")
        }
        let actual = hasher.finish()
        guard actual == digest else {
            throw OCIError(.digestMismatch, "\(digest) digest mismatch (content hashes to \(actual))")
        }
    }
}

/// A file found in the blob store, whether or not it is a well-named blob.
public struct StoredBlob: Hashable, Sendable {
    /// Path relative to the layout, e.g. `blobs/sha256/<hex>`.
    public let relativePath: String
    /// The digest the file name spells, or nil for a file whose name is not a digest.
    public let digest: Digest?
    public let size: Int64
    /// False for symlinks, directories and other special files (which are never read).
    public let isRegularFile: Bool
}

extension OCILayout {
    /// Where the blob with `digest` lives; derived from the parsed digest only.
    public func blobURL(_ digest: Digest) -> URL {
        directory.appendingPathComponent("blobs/\(digest.algorithm.rawValue)/\(digest.hex)")
    }

    func blobDisplayPath(_ digest: Digest) -> String { displayPath("blobs/\(digest.algorithm.rawValue)/\(digest.hex)") }

    /// Opens the blob for streaming, or nil when it is absent. Symlinks (of the blob or of
    /// `blobs/`, `blobs/<alg>/`) and non-regular files are refused.
    public func openBlob(_ digest: Digest) throws -> BlobReader? {
        do {
            let blobs = try OpenFile.openDirectory(filePath("blobs"), name: displayPath("blobs"))
            let algorithm = try OpenFile.openDirectory(digest.algorithm.rawValue, relativeTo: blobs,
                                                       name: displayPath("blobs/\(digest.algorithm.rawValue)"))
            let file = try OpenFile.openRegularFile(digest.hex, relativeTo: algorithm, name: blobDisplayPath(digest))
            return BlobReader(digest: digest, size: try file.status().size, file: file)
        } catch where error.isMissing {
            return nil
        } catch {
            throw OCIError(error)
        }
    }

    /// True when the blob is present as a regular file.
    public func hasBlob(_ digest: Digest) -> Bool {
        (try? openBlob(digest)) != nil
    }

    /// Reads a whole blob, checking its size against `expectedSize` (when given) and
    /// `limit`, and its content against `digest`.
    public func readBlob(_ digest: Digest, expectedSize: Int64? = nil, limit: Int) throws -> Data {
        guard let blob = try openBlob(digest) else { throw OCIError(.missing, "\(digest) missing") }
        if let expectedSize, blob.size != expectedSize {
            throw OCIError(.sizeMismatch, "\(digest) size \(blob.size) != descriptor \(expectedSize)")
        }
        guard blob.size <= Int64(limit) else {
            throw OCIError(.refused, "\(digest) is \(blob.size) bytes, over the \(limit)-byte limit")
        }
        var data = Data(count: Int(blob.size))
        let filled = try data.withUnsafeMutableBytes { try blob.readFully(into: $0) }
        guard filled == data.count else { throw OCIError(.io, "\(digest): file shrank while being read") }
        let actual = Digest.of(data, algorithm: digest.algorithm)
        guard actual == digest else {
            throw OCIError(.digestMismatch, "\(digest) digest mismatch (content hashes to \(actual))")
        }
        return data
    }

    /// Reads the blob a descriptor names, checking digest and size.
    public func readBlob(_ descriptor: Descriptor, limit: Int) throws -> Data {
        try readBlob(descriptor.digest, expectedSize: descriptor.size, limit: limit)
    }

    /// Reads and parses the manifest or index `descriptor` names (digest, size and media type
    /// checked, at most `OCILimits.maxManifestBytes`).
    public func readManifest(_ descriptor: Descriptor) throws -> ManifestBlob {
        let bytes = try readBlob(descriptor, limit: OCILimits.maxManifestBytes)
        do {
            let document = try ManifestDocument.parse(bytes, mediaType: descriptor.mediaType)
            return ManifestBlob(descriptor: descriptor, bytes: bytes, document: document)
        } catch let error as OCIError {
            throw OCIError(error.kind, "\(descriptor.digest): \(error.message)")
        }
    }

    /// Every file under `blobs/<algorithm>/`, sorted by path. Files whose names are not
    /// digests (including everything under a directory of an unknown algorithm) are listed
    /// with `digest == nil`; so is anything directly in `blobs/` that is not a directory.
    public func storedBlobs() throws -> [StoredBlob] {
        let files = FileManager.default
        let blobsPath = filePath("blobs")
        guard files.fileExists(atPath: blobsPath) else { return [] }
        var found: [StoredBlob] = []
        for algorithmName in try listDirectory(blobsPath).sorted() {
            let algorithmPath = "\(blobsPath)/\(algorithmName)"
            let relativeDirectory = "blobs/\(algorithmName)"
            guard let info = try? files.attributesOfItem(atPath: algorithmPath),
                  info[.type] as? FileAttributeType == .typeDirectory else {
                found.append(StoredBlob(relativePath: relativeDirectory, digest: nil, size: 0, isRegularFile: false))
                continue
            }
            for name in try listDirectory(algorithmPath).sorted() {
                let attributes = try? files.attributesOfItem(atPath: "\(algorithmPath)/\(name)")
                let isRegular = attributes?[.type] as? FileAttributeType == .typeRegular
                let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
                let digest = try? Digest(parsing: "\(algorithmName):\(name)")
                found.append(StoredBlob(relativePath: "\(relativeDirectory)/\(name)", digest: digest, size: size, isRegularFile: isRegular))
            }
        }
        return found
    }

    private func listDirectory(_ path: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw OCIError(.io, "cannot list \(path): \(error.localizedDescription)")
        }
    }
}
