import CArchive
import Foundation

/// An owned libarchive writer (`struct archive *`), freed in deinit.
final class ArchiveWriteHandle {
    let pointer: OpaquePointer

    init() throws {
        guard let pointer = archive_write_new() else { throw TransferError(.io, "libarchive could not allocate a writer") }
        self.pointer = pointer
    }

    deinit { archive_write_free(pointer) }

    /// Throws unless `status` is `ARCHIVE_OK`, with libarchive's message for `context`.
    func check(_ status: Int32, _ context: String) throws {
        guard status == ARCHIVE_OK else { throw TransferError(.io, "\(context): \(lastError)") }
    }

    var lastError: String { libarchiveMessage(archive_error_string(pointer)) }
}

/// An owned libarchive reader (`struct archive *`), freed in deinit.
final class ArchiveReadHandle {
    let pointer: OpaquePointer

    init() throws {
        guard let pointer = archive_read_new() else { throw TransferError(.io, "libarchive could not allocate a reader") }
        self.pointer = pointer
    }

    deinit { archive_read_free(pointer) }

    var lastError: String { libarchiveMessage(archive_error_string(pointer)) }
}

/// An owned `struct archive_entry *`, freed in deinit.
final class ArchiveEntryHandle {
    let pointer: OpaquePointer

    init() throws {
        guard let pointer = archive_entry_new() else { throw TransferError(.io, "libarchive could not allocate an entry") }
        self.pointer = pointer
    }

    deinit { archive_entry_free(pointer) }
}

private func libarchiveMessage(_ text: UnsafePointer<CChar>?) -> String {
    guard let text else { return "unknown libarchive error" }
    return String(cString: text)
}
