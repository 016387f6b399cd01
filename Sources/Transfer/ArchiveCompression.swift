/// The compression of a tarball airlock writes; reading detects it from the content.
public enum ArchiveCompression: String, Sendable, CaseIterable {
    case none
    case gzip
    case zstd

    /// The compression an output file name asks for: `.tar` none, `.tar.gz`/`.tgz` gzip,
    /// `.tar.zst`/`.tzst` zstd; nil for any other name.
    public init?(fileName: String) {
        let name = fileName.lowercased()
        if name.hasSuffix(".tar") {
            self = .none
        } else if name.hasSuffix(".tar.gz") || name.hasSuffix(".tgz") {
            self = .gzip
        } else if name.hasSuffix(".tar.zst") || name.hasSuffix(".tzst") {
            self = .zstd
        } else {
            return nil
        }
    }
}
