import AirlockCrypto
import Foundation
import OCI

/// `airlock/contents.json`: what a tarball airlock packed holds — every image with its
/// platforms, every signature, attestation and referrer, the trust material, and every blob
/// with digest and size. It describes; it proves nothing: unpack checks the layout itself and
/// never trusts this file.
public struct ContentsFile: Codable, Sendable, Equatable {
    /// Path of the file inside the tarball.
    public static let archivePath = "airlock/contents.json"
    static let currentVersion = 1

    /// Format version of this file.
    public var airlockContentsVersion = ContentsFile.currentVersion
    public var images: [Image]
    public var attachments: [AttachmentRecord]
    public var trustMaterial: [TrustFile]
    public var blobs: [Blob]

    public struct Image: Codable, Sendable, Equatable {
        /// The tag in the tarball's `index.json`, if any.
        public var reference: String?
        /// The repository name (`io.airlock.image.name`), if recorded.
        public var imageName: String?
        public var digest: String
        public var mediaType: String
        public var platforms: [PlatformRecord]
    }

    public struct PlatformRecord: Codable, Sendable, Equatable {
        /// `os/architecture[/variant]`, or nil when unknown.
        public var platform: String?
        public var digest: String
    }

    public struct AttachmentRecord: Codable, Sendable, Equatable {
        public var kind: AttachmentKind
        public var subject: String
        public var digest: String
        public var mediaType: String
        public var artifactType: String?
        public var predicateTypes: [String]?
        public var tag: String?
        /// False for a referrer stored only as a blob.
        public var listedInIndex: Bool
    }

    public struct TrustFile: Codable, Sendable, Equatable {
        /// Path inside the tarball, e.g. `airlock/keys/cosign.pub`.
        public var path: String
        public var kind: TrustMaterialKind
        public var digest: String
        public var size: Int64
    }

    public struct Blob: Codable, Sendable, Equatable {
        public var digest: String
        public var size: Int64
        /// `index`, `manifest`, `config`, `layer` or `other`.
        public var role: String
        /// `metadata` (written before any `content` blob, read by `inspect`) or `content`.
        public var section: BlobSection
        /// Set when the blob was left out of a delta pack: `present at destination`.
        public var skipped: String?
    }

    /// Pretty JSON with sorted keys: the same contents give the same bytes.
    public func encoded() throws -> Data {
        try stableJSON(self)
    }

    /// Parses the file, refusing more than `maxBytes`.
    public static func decode(_ data: Data, maxBytes: Int = 64 << 20) throws -> ContentsFile {
        guard data.count <= maxBytes else {
            throw TransferError(.malformed, "\(archivePath) is \(data.count) bytes, over the \(maxBytes)-byte limit")
        }
        do {
            return try JSONDecoder().decode(ContentsFile.self, from: data)
        } catch {
            throw TransferError(.malformed, "\(archivePath) does not parse: \(error.localizedDescription)")
        }
    }
}

/// Where a blob sits in an airlock tarball: the small `metadata` blobs (manifests, indexes,
/// configs, signature and bundle layers) first, then the `content` (image layers).
public enum BlobSection: String, Codable, Sendable {
    case metadata
    case content
}
