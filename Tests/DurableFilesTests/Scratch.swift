import Foundation

/// A temporary directory removed when released, with small file helpers.
final class Scratch {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("durable-files-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: file(name))), as: UTF8.self)
    }

    /// The names in the directory (or in its subdirectory `name`).
    func names(in name: String? = nil) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: name.map(file) ?? path).sorted()
    }

    /// Permission bits of `name`, not following a symbolic link.
    func mode(_ name: String) -> mode_t {
        var info = stat()
        return lstat(file(name), &info) == 0 ? info.st_mode & 0o7777 : 0
    }
}
