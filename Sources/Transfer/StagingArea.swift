import DurableFiles
import Foundation

/// A private directory where an archive is written and checked before anything of it reaches
/// its destination. It sits beside the destination (`.NAME.airlock-staging-XXXXXX` in the
/// same parent, hence on the same file system, so moving in is a rename) or, when the parent
/// is not writable or is another file system, inside it (`.airlock-staging-XXXXXX`, which
/// layout readers ignore). The directory is created 0700 and `flock`ed for as long as this
/// object lives, so `removeStale` (run at the start of each unpack) deletes only what a
/// killed process left behind, never the area of a running one.
final class StagingArea {
    static let innerPrefix = ".airlock-staging-"

    /// Absolute path of the staging directory.
    let path: String
    private let lock: OpenFile
    private var owned = true

    private init(path: String) throws {
        self.path = path
        lock = try TransferError.fileSystem { try OpenFile.openDirectory(path) }
        guard try TransferError.fileSystem({ try lock.tryLock() }) else {
            throw TransferError(.io, "cannot lock the staging directory \(path): another process holds it")
        }
    }

    deinit { remove() }

    /// A staging area for `destination` (which may not exist yet; its parent is created).
    static func create(beside destination: URL) throws -> StagingArea {
        let parent = destination.deletingLastPathComponent().path
        try createDirectories(parent)
        let template: String
        if isSuitableSibling(of: destination) {
            template = "\(parent)/\(siblingPrefix(of: destination))XXXXXX"
        } else {
            template = "\(destination.path)/\(innerPrefix)XXXXXX"
        }
        return try StagingArea(path: try makeTemporaryDirectory(template))
    }

    /// A staging area in the system's temporary directory (for reading pack sources).
    static func createTemporary() throws -> StagingArea {
        let base = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        return try StagingArea(path: try makeTemporaryDirectory("\(base)/airlock-source-XXXXXX"))
    }

    /// Removes staging areas of `destination` left by killed processes (those not locked).
    static func removeStale(beside destination: URL) {
        let parent = destination.deletingLastPathComponent().path
        let places = [(parent, siblingPrefix(of: destination)), (destination.path, innerPrefix)]
        for (directory, prefix) in places {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { continue }
            for name in names where name.hasPrefix(prefix) {
                let candidate = "\(directory)/\(name)"
                guard let handle = try? OpenFile.openDirectory(candidate), (try? handle.tryLock()) == true else { continue }
                try? FileManager.default.removeItem(atPath: candidate)
            }
        }
    }

    /// The path of `relativePath` inside the area.
    func filePath(_ relativePath: String) -> String { "\(path)/\(relativePath)" }

    /// Creates the new file `relativePath` (and its parent directories) for writing.
    func createFile(_ relativePath: String) throws -> OpenFile {
        let full = filePath(relativePath)
        try Self.createDirectories((full as NSString).deletingLastPathComponent)
        return try TransferError.fileSystem { try OpenFile.open(full, flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o644) }
    }

    /// Free bytes on the area's file system, if known.
    func availableBytes() -> Int64? {
        var info = statvfs()
        guard fstatvfs(lock.descriptor, &info) == 0 else { return nil }
        return Int64(clamping: UInt64(info.f_bavail).multipliedReportingOverflow(by: UInt64(info.f_frsize)).partialValue)
    }

    /// Gives the directory up (it was renamed into place); it is no longer removed.
    func relinquish() { owned = false }

    /// Deletes the area and everything in it.
    func remove() {
        guard owned else { return }
        owned = false
        try? FileManager.default.removeItem(atPath: path)
    }

    private static func siblingPrefix(of destination: URL) -> String {
        ".\(destination.lastPathComponent).airlock-staging-"
    }

    /// The parent is writable and on the destination's file system (or the destination is new).
    private static func isSuitableSibling(of destination: URL) -> Bool {
        let parent = destination.deletingLastPathComponent().path
        guard access(parent, W_OK) == 0 else { return false }
        var destinationInfo = stat(), parentInfo = stat()
        guard stat(destination.path, &destinationInfo) == 0 else { return true }
        guard stat(parent, &parentInfo) == 0 else { return false }
        return destinationInfo.st_dev == parentInfo.st_dev
    }

    private static func makeTemporaryDirectory(_ template: String) throws -> String {
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else {
            throw TransferError(FileSystemError(failedTo: "create a staging directory like", template, code: errno))
        }
        return String(cString: made)
    }

    static func createDirectories(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw TransferError(.io, "cannot create directory \(path): \(error.localizedDescription)")
        }
    }
}
