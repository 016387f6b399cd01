import CArchive
import DurableFiles
import Foundation

/// A tar entry header as libarchive parsed it. Nothing about it is trusted yet: see
/// `ArchiveEntryPolicy` for what airlock accepts.
struct TarEntryHeader: Equatable {
    enum Kind: Equatable {
        case regularFile
        case directory
        case symbolicLink(target: String)
        case hardLink(target: String)
        /// A device, FIFO or socket; the associated value says which.
        case special(String)
    }

    /// The path as stored (pax `path`, or the ustar prefix and name).
    let name: String
    let kind: Kind
    /// The data size the header declares.
    let size: Int64
    /// True for GNU or pax sparse entries, whose data expands to more than is stored.
    let isSparse: Bool
}

/// Reads a tar stream (uncompressed, gzip or zstd; detected from the content) entry by entry
/// through libarchive, without ever letting libarchive create files. Data is handed out in
/// blocks that point into libarchive's buffer and are valid until the next call; from an
/// uncompressed archive it can also be read straight from the file (`readDirect`), one copy
/// fewer.
final class TarReader {
    /// Bytes asked of the file per read.
    static let readBlockSize = 1 << 20

    /// The size of the input file, and how it is named in messages.
    let fileSize: Int64
    let displayName: String
    private let archive: ArchiveReadHandle
    private let entry: ArchiveEntryHandle
    private let file: OpenFile
    private var current: TarEntryHeader?
    private var currentOffset: Int64 = 0
    /// Where the current entry's data starts in the file, for uncompressed input.
    private(set) var currentDataOffset: Int64?
    private var previousName: String?

    /// Opens `path` for reading; throws when it is not a readable regular file.
    init(path: String) throws {
        displayName = path
        let (file, status) = try TransferError.fileSystem {
            let file = try OpenFile.open(path, flags: O_RDONLY)
            return (file, try file.status())
        }
        guard status.isRegularFile else { throw TransferError(.malformed, "\(path) is not a regular file") }
        self.file = file
        fileSize = status.size
        archive = try ArchiveReadHandle()
        entry = try ArchiveEntryHandle()
        let a = archive.pointer
        guard archive_read_support_filter_gzip(a) == ARCHIVE_OK,
              archive_read_support_filter_zstd(a) == ARCHIVE_OK,
              archive_read_support_format_tar(a) == ARCHIVE_OK else {
            throw TransferError(.io, "libarchive lacks tar, gzip or zstd support: \(archive.lastError)")
        }
        guard archive_read_open_fd(a, file.descriptor, Self.readBlockSize) == ARCHIVE_OK else {
            throw TransferError(.malformed, "\(path) is not a tar archive (plain, gzip or zstd): \(archive.lastError)")
        }
    }

    /// Bytes of the input file consumed so far (for progress).
    var bytesConsumed: Int64 { archive_filter_bytes(archive.pointer, -1) }

    /// True when the input is compressed (known after the first header).
    var isCompressed: Bool { archive_filter_count(archive.pointer) > 1 }

    /// Reads the next header; nil at the end of the archive. The previous entry's unread data
    /// is skipped.
    func nextHeader() throws -> TarEntryHeader? {
        let a = archive.pointer
        let status = archive_read_next_header2(a, entry.pointer)
        if status == ARCHIVE_EOF {
            current = nil
            return nil
        }
        guard status == ARCHIVE_OK else {
            let place = previousName.map { "after entry \(TransferError.quoted($0))" } ?? "at its start"
            throw TransferError(.hostileEntry, "\(displayName) is not a valid tar archive \(place): \(archive.lastError)")
        }
        let header = describe(entry.pointer)
        current = header
        currentOffset = 0
        currentDataOffset = isCompressed ? nil : archive_filter_bytes(a, 0)
        previousName = header.name
        return header
    }

    /// How many bytes of uncompressed input follow the current header, when that can be
    /// known (nil for compressed input): an entry larger than this cannot be complete.
    var uncompressedBytesAfterHeader: Int64? {
        guard !isCompressed else { return nil }
        return fileSize - archive_filter_bytes(archive.pointer, 0)
    }

    /// The next block of the current entry's data; nil at its end. A truncated archive or an
    /// entry whose data has holes throws, naming the entry.
    func readBlock() throws -> UnsafeRawBufferPointer? {
        guard let header = current else { return nil }
        var buffer: UnsafeRawPointer?
        var size = 0
        var offset: la_int64_t = 0
        let status = archive_read_data_block(archive.pointer, &buffer, &size, &offset)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK else {
            throw TransferError.entry(header.name, "cannot read its data (truncated or corrupt archive): \(archive.lastError)")
        }
        guard offset == currentOffset else {
            throw TransferError.entry(header.name, "its data has holes (sparse content is not accepted)")
        }
        currentOffset += Int64(size)
        return UnsafeRawBufferPointer(start: buffer, count: size)
    }

    /// Reads the current entry's data at `offset` (from the start of the entry) straight from
    /// the file into `buffer`; uncompressed input only. Returns 0 at the end of the file.
    func readDirect(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard let start = currentDataOffset, let header = current else {
            throw TransferError(.io, "direct reads need an uncompressed archive")
        }
        let count = Int(min(Int64(buffer.count), max(header.size - offset, 0)))
        return try TransferError.fileSystem { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]), at: start + offset) }
    }

    /// Passes over the rest of the current entry's data (a seek for an uncompressed file).
    func skipData() throws {
        guard let header = current else { return }
        guard archive_read_data_skip(archive.pointer) == ARCHIVE_OK else {
            throw TransferError.entry(header.name, "cannot read its data (truncated or corrupt archive): \(archive.lastError)")
        }
    }

    private func describe(_ e: OpaquePointer) -> TarEntryHeader {
        let name = (archive_entry_pathname_utf8(e) ?? archive_entry_pathname(e)).map { String(cString: $0) } ?? ""
        let type = UInt32(archive_entry_filetype(e)) & airlock_ae_ifmt()
        let kind: TarEntryHeader.Kind
        if let target = archive_entry_hardlink(e) {
            kind = .hardLink(target: String(cString: target))
        } else {
            switch type {
            case airlock_ae_ifreg(): kind = .regularFile
            case airlock_ae_ifdir(): kind = .directory
            case airlock_ae_iflnk(): kind = .symbolicLink(target: archive_entry_symlink(e).map { String(cString: $0) } ?? "")
            case airlock_ae_ifchr(): kind = .special("character device")
            case airlock_ae_ifblk(): kind = .special("block device")
            case airlock_ae_ififo(): kind = .special("FIFO")
            case airlock_ae_ifsock(): kind = .special("socket")
            default: kind = .special("file of unknown type \(String(type, radix: 8))")
            }
        }
        let size = archive_entry_size_is_set(e) != 0 ? archive_entry_size(e) : 0
        return TarEntryHeader(name: name, kind: kind, size: size, isSparse: archive_entry_sparse_count(e) > 0)
    }
}
