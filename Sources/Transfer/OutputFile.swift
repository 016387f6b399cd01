import Foundation

/// A file written atomically: a temporary file beside the destination, fsynced and renamed
/// over it by `commit()`; removed if never committed.
final class OutputFile {
    let destination: URL
    let handle: FileDescriptor
    private var committed = false

    init(replacing destination: URL) throws {
        self.destination = destination
        let directory = destination.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(destination.lastPathComponent).airlock-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else {
            throw TransferError(.io, "cannot create a file in \(directory): \(FileDescriptor.describe(errno))")
        }
        close(fd)
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        handle = try FileDescriptor.open(path, flags: O_WRONLY)
        _ = fchmod(handle.raw, 0o644)
    }

    deinit {
        if !committed { unlink(handle.path) }
    }

    /// Makes the file durable and moves it to its destination.
    func commit() throws {
        try handle.sync()
        guard rename(handle.path, destination.path) == 0 else {
            throw TransferError(.io, "cannot move the new file to \(destination.path): \(FileDescriptor.describe(errno))")
        }
        committed = true
        try syncDirectory(destination.deletingLastPathComponent().path)
    }
}

/// fsyncs a directory so that renames into it survive a crash.
func syncDirectory(_ path: String) throws {
    let directory = try FileDescriptor.open(path, flags: O_RDONLY | O_DIRECTORY)
    try directory.sync()
}
