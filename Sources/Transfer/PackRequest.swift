import Foundation
import OCI

/// What `airlock pack` writes: which images, with what trust material, to which file.
public struct PackRequest: Sendable {
    /// Images by layout reference (`DIR`, `DIR:TAG`, `DIR@DIGEST`); a path that is a regular
    /// file is an `oci-archive` or `docker save` tarball, read through the hostile-archive
    /// checks into a temporary layout first.
    public var images: [LayoutReference]
    public var output: URL
    public var compression: ArchiveCompression
    /// Keys, trusted roots and policies to carry under `airlock/`.
    public var trustMaterial: [TrustMaterialFile]
    /// Blobs the destination already has (delta pack); manifests, indexes and configs are
    /// always packed.
    public var skipBlobs: Inventory?
    /// Limits applied to tarballs read as sources.
    public var limits: ArchiveLimits

    public init(images: [LayoutReference], output: URL, compression: ArchiveCompression,
                trustMaterial: [TrustMaterialFile] = [], skipBlobs: Inventory? = nil, limits: ArchiveLimits = ArchiveLimits()) {
        self.images = images
        self.output = output
        self.compression = compression
        self.trustMaterial = trustMaterial
        self.skipBlobs = skipBlobs
        self.limits = limits
    }
}

/// What a pack wrote.
public struct PackResult: Sendable {
    public let images: [ImageEntry]
    public let contents: ContentsFile
    /// Bytes of blob data copied into the tarball.
    public let blobBytes: Int64
    public let skippedBlobCount: Int
}
