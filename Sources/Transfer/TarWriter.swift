import CArchive
import Foundation

/// Writes a reproducible tar stream to a file descriptor through libarchive: pax
/// (restricted) headers, modification time 0, owner and group 0 with empty names, mode 0644
/// for files and 0755 for directories, no gzip timestamp, and no padding after the end
/// marker. The caller decides the entry order; the same calls give the same bytes.
///
/// File contents are streamed: `beginFile` announces the size, `write` appends chunks, and
/// `endFile` checks that exactly that many bytes came.
final class TarWriter {
    /// libarchive's output block: large writes, and only the last one short.
    static let bytesPerBlock = 1 << 20

    private let archive: ArchiveWriteHandle
    private let entry: ArchiveEntryHandle
    private var openFile: (name: String, remaining: Int64)?
    private var finished = false

    /// Starts a tar stream on `fileDescriptor` (which stays owned by the caller).
    init(fileDescriptor: Int32, compression: ArchiveCompression) throws {
        archive = try ArchiveWriteHandle()
        entry = try ArchiveEntryHandle()
        let a = archive.pointer
        try archive.check(archive_write_set_format_pax_restricted(a), "cannot select the pax tar format")
        switch compression {
        case .none:
            try archive.check(archive_write_add_filter_none(a), "cannot disable compression")
        case .gzip:
            try archive.check(archive_write_add_filter_gzip(a), "cannot enable gzip")
            try archive.check(archive_write_set_filter_option(a, "gzip", "timestamp", nil), "cannot drop the gzip timestamp")
        case .zstd:
            try archive.check(archive_write_add_filter_zstd(a), "cannot enable zstd")
        }
        try archive.check(archive_write_set_bytes_per_block(a, Int32(Self.bytesPerBlock)), "cannot set the block size")
        try archive.check(archive_write_set_bytes_in_last_block(a, 1), "cannot set the last block size")
        try archive.check(archive_write_open_fd(a, fileDescriptor), "cannot start the tar stream")
    }

    /// Adds a directory entry; `name` ends with `/`.
    func addDirectory(_ name: String) throws {
        try writeHeader(name: name, type: airlock_ae_ifdir(), permissions: 0o755, size: 0)
    }

    /// Adds a whole small file.
    func addFile(_ name: String, contents: Data) throws {
        try beginFile(name, size: Int64(contents.count))
        try contents.withUnsafeBytes { try write($0) }
        try endFile()
    }

    /// Starts a file entry of exactly `size` bytes, to be filled with `write` then `endFile`.
    func beginFile(_ name: String, size: Int64) throws {
        try writeHeader(name: name, type: airlock_ae_ifreg(), permissions: 0o644, size: size)
        openFile = (name, size)
    }

    /// Appends bytes to the open file entry.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let file = openFile else { throw TransferError(.io, "tar writer: no file entry is open") }
        guard Int64(bytes.count) <= file.remaining else {
            throw TransferError(.mismatch, "\(file.name) is longer than the \(file.remaining) bytes left of its announced size")
        }
        var offset = 0
        while offset < bytes.count {
            let written = archive_write_data(archive.pointer, bytes.baseAddress! + offset, bytes.count - offset)
            guard written > 0 else { throw TransferError(.io, "cannot write \(file.name) to the tarball: \(archive.lastError)") }
            offset += written
        }
        openFile = (file.name, file.remaining - Int64(bytes.count))
    }

    /// Ends the open file entry, which must have received all its announced bytes.
    func endFile() throws {
        guard let file = openFile else { throw TransferError(.io, "tar writer: no file entry is open") }
        guard file.remaining == 0 else {
            throw TransferError(.mismatch, "\(file.name) ended \(file.remaining) bytes short of its announced size")
        }
        openFile = nil
    }

    /// Writes the end-of-archive marker and flushes the compressor. Required for a valid tarball.
    func finish() throws {
        guard !finished else { return }
        guard openFile == nil else { throw TransferError(.io, "tar writer: a file entry is still open") }
        finished = true
        try archive.check(archive_write_close(archive.pointer), "cannot finish the tarball")
    }

    private func writeHeader(name: String, type: UInt32, permissions: UInt32, size: Int64) throws {
        guard openFile == nil else { throw TransferError(.io, "tar writer: \(openFile!.name) is still open") }
        let e = entry.pointer
        archive_entry_clear(e)
        archive_entry_set_pathname_utf8(e, name)
        archive_entry_set_filetype(e, type)
        archive_entry_set_perm(e, mode_t(permissions))
        archive_entry_set_size(e, size)
        archive_entry_set_mtime(e, 0, 0)
        archive_entry_set_uid(e, 0)
        archive_entry_set_gid(e, 0)
        try archive.check(archive_write_header(archive.pointer, e), "cannot write the tar header of \(name)")
    }
}
