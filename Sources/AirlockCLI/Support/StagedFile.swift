import DurableFiles
import Foundation

/// A file written for the user (key, bundle, signature, trusted root): staged beside
/// `destination` with its final mode (`AtomicFile`), moved into place only by `commit`, and
/// removed if never committed. Failures are `CommandFailure`s naming the destination.
struct StagedFile {
    let destination: String
    private let file: AtomicFile

    init(destination: String, mode: mode_t, contents: Data) throws {
        self.destination = destination
        do {
            file = try AtomicFile(beside: destination, mode: mode)
            try file.file.write(contents)
        } catch {
            throw Self.failure(error, destination)
        }
    }

    /// Moves the file into place. Without `overwrite`, an existing destination is an error
    /// (checked atomically with link(2), so a file created meanwhile is not replaced).
    func commit(overwrite: Bool) throws {
        do {
            try file.commit(to: destination, replacing: overwrite)
        } catch where error.kind == .exists {
            throw CommandFailure("\(destination) already exists; pass --force to overwrite it")
        } catch {
            throw Self.failure(error, destination)
        }
    }

    private static func failure(_ error: FileSystemError, _ destination: String) -> CommandFailure {
        CommandFailure(error.kind == .failed ? "cannot write \(destination): \(error.reason)" : error.message)
    }
}
