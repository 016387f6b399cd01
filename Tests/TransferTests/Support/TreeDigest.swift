import AirlockCrypto
import Foundation

/// A digest of a whole directory tree: every path (hidden files included), its type, mode,
/// size and content. Equal digests mean the tree is byte-identical.
func treeDigest(_ root: URL) throws -> Digest {
    var lines: [String] = []
    func visit(_ url: URL, _ relative: String) throws {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { lines.append("\(relative) absent"); return }
        let mode = String(info.st_mode, radix: 8)
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            lines.append("\(relative)/ \(mode)")
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() {
                try visit(url.appendingPathComponent(name), relative.isEmpty ? name : "\(relative)/\(name)")
            }
        case S_IFREG:
            lines.append("\(relative) \(mode) \(info.st_size) \(Digest.of(try Data(contentsOf: url)))")
        default:
            lines.append("\(relative) \(mode) special")
        }
    }
    try visit(root, "")
    return Digest.of(Data(lines.joined(separator: "\n").utf8))
}
