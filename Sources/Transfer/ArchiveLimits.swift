/// Bounds on an untrusted archive, checked from each header before its data is read.
public struct ArchiveLimits: Sendable {
    /// Largest blob (and `docker save` layer file).
    public var maxBlobBytes: Int64 = 64 << 30
    /// Largest `oci-layout`, `index.json`, `airlock/…` or docker metadata file.
    public var maxMetadataBytes: Int64 = 8 << 20
    /// Largest sum of all entry sizes.
    public var maxTotalBytes: Int64 = 512 << 30
    /// Most entries, directories included.
    public var maxEntries = 100_000

    public init() {}

    func maxSize(of entry: AcceptedEntry) -> Int64 {
        switch entry {
        case .blob: maxBlobBytes
        case .dockerFile(let path) where path.hasSuffix("/layer.tar"): maxBlobBytes
        default: maxMetadataBytes
        }
    }
}
