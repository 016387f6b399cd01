import AirlockCrypto
import DurableFiles
import Foundation
import OCI

/// Reads a tarball given as a pack source into a staging area, as hostile input like any
/// unpack: an OCI layout tarball (skopeo's `oci-archive`, `docker save` from Docker 25 on,
/// an airlock tarball) is reviewed as a layout; a classic `docker save` tarball
/// (`manifest.json`, `<id>/layer.tar`) is converted into one (`DockerArchiveConversion`).
struct ArchiveImporter {
    let limits: ArchiveLimits

    func importLayout(from path: String, into staging: StagingArea) throws -> OCILayout {
        let staged = try ArchiveStager.stageLayout(from: path, into: staging, policy: ArchiveEntryPolicy(dockerArchive: true),
                                                   limits: limits, durable: false)
        do {
            if staged.hasIndex || staged.hasLayoutMarker {
                var review = try StagedLayoutReview(staged: staged, destination: nil)
                try review.review()
                return review.layout
            }
            guard staged.dockerFiles["manifest.json"] != nil else {
                throw TransferError(.malformed, "it is neither an OCI layout (oci-layout, index.json) nor a docker save archive (manifest.json)")
            }
            return try DockerArchiveConversion(staged: staged).convert()
        } catch let error as TransferError {
            throw TransferError(error.kind, "\(path): \(error.message)")
        }
    }
}

/// Turns a staged classic `docker save` archive into an OCI layout in the same staging
/// area: each `manifest.json` image becomes an OCI image manifest whose config is the
/// image's config file and whose layers are its `layer.tar` files (uncompressed tar, whose
/// digests equal the config's `diff_ids`), tagged with each of its `RepoTags` (the tag as
/// `ref.name`, the repository as `io.airlock.image.name`).
struct DockerArchiveConversion {
    let staged: StagedArchive

    private struct ImageRecord: Decodable {
        let config: String
        let repoTags: [String]?
        let layers: [String]

        enum CodingKeys: String, CodingKey {
            case config = "Config", repoTags = "RepoTags", layers = "Layers"
        }
    }

    func convert() throws -> OCILayout {
        let staging = staged.staging
        let manifestData = try readFile(URL(fileURLWithPath: staging.filePath("manifest.json")), limit: 8 << 20, what: "manifest.json")
        let records: [ImageRecord]
        do {
            records = try JSONDecoder().decode([ImageRecord].self, from: manifestData)
        } catch {
            throw TransferError(.malformed, "manifest.json of the docker archive does not parse: \(error.localizedDescription)")
        }
        var entries: [Descriptor] = []
        var moved: [String: Descriptor] = [:]
        for record in records {
            let config = try blob(record.config, mediaType: MediaType.ociConfig, moved: &moved)
            let layers = try record.layers.map { try blob($0, mediaType: MediaType.ociLayer, moved: &moved) }
            let manifest = try ImageManifest(config: config, layers: layers).encoded()
            let descriptor = Descriptor(mediaType: MediaType.ociManifest, content: manifest)
            try write(manifest, to: descriptor.digest.blobPath)
            let tags = (record.repoTags ?? []).compactMap(Self.splitRepoTag)
            if tags.isEmpty { entries.append(descriptor) }
            for (repository, tag) in tags {
                var entry = descriptor
                entry.annotations = [AnnotationKey.refName: tag, AnnotationKey.imageName: repository]
                entries.append(entry)
            }
        }
        try write(Packer.layoutMarker, to: "oci-layout")
        try write(try ImageIndex(manifests: entries).encoded(), to: "index.json")
        return try OCILayout.open(at: URL(fileURLWithPath: staging.path))
    }

    /// Moves the docker file `path` (following layer links) to its blob path.
    private func blob(_ path: String, mediaType: String, moved: inout [String: Descriptor]) throws -> Descriptor {
        var resolved = path
        for _ in 0..<8 {
            guard let target = staged.dockerLinks[resolved] else { break }
            resolved = target
        }
        if let done = moved[resolved] { return Descriptor(mediaType: mediaType, digest: done.digest, size: done.size) }
        let descriptor: Descriptor
        if let file = staged.dockerFiles[resolved] {
            descriptor = Descriptor(mediaType: mediaType, digest: file.digest, size: file.size)
            let target = staged.staging.filePath(file.digest.blobPath)
            try StagingArea.createDirectories((target as NSString).deletingLastPathComponent)
            if !FileManager.default.fileExists(atPath: target) {
                try TransferError.fileSystem { try FileSystem.move(staged.staging.filePath(resolved), to: target) }
            }
        } else if resolved.hasPrefix("blobs/"), let digest = try? Digest(parsing: resolved.dropFirst(6).replacingOccurrences(of: "/", with: ":")),
                  let size = staged.blobs[digest] {
            descriptor = Descriptor(mediaType: mediaType, digest: digest, size: size)
        } else {
            throw TransferError(.malformed, "manifest.json of the docker archive names \(TransferError.quoted(path)), which the archive does not hold")
        }
        moved[resolved] = descriptor
        return descriptor
    }

    private func write(_ data: Data, to relativePath: String) throws {
        let path = staged.staging.filePath(relativePath)
        if FileManager.default.fileExists(atPath: path) { return }
        let file = try staged.staging.createFile(relativePath)
        try TransferError.fileSystem { try file.write(data) }
    }

    /// `registry/repo:tag` → (`registry/repo`, `tag`); nil without a valid tag.
    static func splitRepoTag(_ text: String) -> (String, String)? {
        guard let colon = text.lastIndex(of: ":"), !text[colon...].contains("/") else { return nil }
        let tag = String(text[text.index(after: colon)...])
        guard LayoutReference.isValidTag(tag) else { return nil }
        return (String(text[..<colon]), tag)
    }
}
