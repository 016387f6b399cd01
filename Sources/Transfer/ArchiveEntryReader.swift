import AirlockCrypto

/// A regular file read from an archive: its size and, once read, its digest.
struct ArchiveFile {
    let entry: AcceptedEntry
    let name: String
    let size: Int64
}

/// Reads an untrusted tar archive entry by entry, refusing anything `ArchiveEntryPolicy`
/// does not accept, duplicates, entries over `ArchiveLimits`, headers that declare more data
/// than the (uncompressed) archive still holds, and blobs whose size differs from what the
/// layout already read declares (`declaredSize`). File data is streamed and hashed: a blob
/// whose content does not match its name is refused when its last byte is read.
final class ArchiveEntryReader {
    private let reader: TarReader
    private let policy: ArchiveEntryPolicy
    private let limits: ArchiveLimits
    /// The size the layout declares for a blob, if known so far (from `index.json` and the
    /// manifests already read); an entry of another size is refused at once.
    var declaredSize: (Digest) -> Int64? = { _ in nil }

    private var seen = Set<String>()
    private var entryCount = 0
    private var totalBytes: Int64 = 0
    private var pending: ArchiveFile?

    init(reader: TarReader, policy: ArchiveEntryPolicy = ArchiveEntryPolicy(), limits: ArchiveLimits = ArchiveLimits()) {
        self.reader = reader
        self.policy = policy
        self.limits = limits
    }

    var displayName: String { reader.displayName }
    /// Bytes of the archive file read so far, counting data read straight from the file.
    var bytesConsumed: Int64 { max(reader.bytesConsumed, directPosition) }
    private var directPosition: Int64 = 0
    var fileSize: Int64 { reader.fileSize }

    /// The next file or docker link entry (directories are checked and passed over); nil at
    /// the end. The previous file's unread data is skipped.
    func next() throws -> ArchiveFile? {
        pending = nil
        while let header = try reader.nextHeader() {
            entryCount += 1
            guard entryCount <= limits.maxEntries else {
                throw TransferError.entry(header.name, "the archive has more than \(limits.maxEntries) entries")
            }
            let entry = try policy.classify(header)
            if entry == .directory {
                try noteUnique(header, key: "dir:" + ArchiveEntryPolicy.normalizedName(header))
                continue
            }
            if case .dockerLayerLink(let path, _) = entry {
                try noteUnique(header, key: path)
                return ArchiveFile(entry: entry, name: header.name, size: 0)
            }
            try noteUnique(header, key: entry.relativePath ?? header.name)
            try checkSize(header, entry)
            let file = ArchiveFile(entry: entry, name: header.name, size: header.size)
            pending = file
            return file
        }
        return nil
    }

    /// Streams the data of the file `next()` returned into `sink` and returns its digest
    /// (with the blob's algorithm for blobs, else sha256). Throws if the data is short or
    /// long, or if a blob's content does not hash to its name.
    @discardableResult
    func readData(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Digest {
        guard let file = pending else { throw TransferError(.io, "no archive entry is being read") }
        pending = nil
        var algorithm = DigestAlgorithm.sha256
        if case .blob(let digest) = file.entry { algorithm = digest.algorithm }
        let hasher = StreamHasher(algorithm, expectedSize: file.size)
        var count: Int64 = 0
        do {
            if reader.currentDataOffset != nil {
                while count < file.size {
                    let chunk = try hasher.fill(upTo: Int(min(file.size - count, Int64(StreamHasher.chunkSize)))) {
                        try reader.readDirect(into: $0, at: count)
                    }
                    guard !chunk.isEmpty else { break }
                    count += Int64(chunk.count)
                    directPosition = (reader.currentDataOffset ?? 0) + count
                    try sink(chunk)
                }
                try reader.skipData()
            } else {
                while let block = try reader.readBlock() {
                    count += Int64(block.count)
                    guard count <= file.size else { throw TransferError.entry(file.name, "holds more data than its header declares") }
                    hasher.update(block)
                    try sink(block)
                }
            }
        } catch {
            hasher.cancel()
            throw error
        }
        guard count == file.size else {
            throw TransferError.entry(file.name, "truncated: \(count) of \(file.size) bytes")
        }
        let digest = hasher.finish()
        if case .blob(let expected) = file.entry, digest != expected {
            throw TransferError(.mismatch, "archive entry \(TransferError.quoted(file.name)): content does not match its digest (it hashes to \(digest))")
        }
        return digest
    }

    private func noteUnique(_ header: TarEntryHeader, key: String) throws {
        guard seen.insert(key).inserted else { throw TransferError.entry(header.name, "duplicate entry") }
    }

    private func checkSize(_ header: TarEntryHeader, _ entry: AcceptedEntry) throws {
        let size = header.size
        guard size >= 0 else { throw TransferError.entry(header.name, "negative size") }
        let limit = limits.maxSize(of: entry)
        guard size <= limit else {
            throw TransferError.entry(header.name, "declares \(ByteCount(size)), over the \(ByteCount(limit)) limit for such an entry")
        }
        if case .blob(let digest) = entry, let declared = declaredSize(digest), declared != size {
            throw TransferError.entry(header.name, "is \(size) bytes but the layout declares \(declared)")
        }
        if let remaining = reader.uncompressedBytesAfterHeader, size > remaining {
            throw TransferError.entry(header.name, "declares \(ByteCount(size)) but only \(ByteCount(max(remaining, 0))) of the archive follow (truncated or forged size)")
        }
        totalBytes += size
        guard totalBytes <= limits.maxTotalBytes else {
            throw TransferError.entry(header.name, "the archive's entries add up to more than \(ByteCount(limits.maxTotalBytes))")
        }
    }
}
