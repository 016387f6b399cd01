import AirlockCrypto
import Foundation

extension OCILayout {
    /// Read-modify-write of `index.json` under the writer lock: `body` gets the current index;
    /// if it changed it, the new index is written atomically. Concurrent writers in other
    /// processes are serialised, so none loses another's entries.
    @discardableResult
    public func updateIndex<T>(_ body: (inout ImageIndex) throws -> T) throws -> T {
        try withWriteLock {
            let original = try readIndex()
            var index = original
            let result = try body(&index)
            if index != original {
                guard index.manifests.count <= OCILimits.maxDescriptors else {
                    throw OCIError(.refused, "index.json would hold \(index.manifests.count) entries, over the limit of \(OCILimits.maxDescriptors)")
                }
                try writeAtomically(try OCIJSON.encode(index, pretty: true), to: Self.indexFileName)
            }
            return result
        }
    }

    /// Stores manifest or index bytes as a blob, without an `index.json` entry (for nested
    /// platform manifests and referrers). The bytes must parse as `mediaType`.
    public func storeManifest(_ bytes: Data, mediaType: String) throws -> Descriptor {
        let document = try ManifestDocument.parse(bytes, mediaType: mediaType)
        let digest = try addBlob(bytes)
        return Descriptor(mediaType: mediaType, digest: digest, size: Int64(bytes.count), artifactType: document.artifactType)
    }

    /// Stores a manifest (blob) and lists it in `index.json` with `annotations` and
    /// `platform`. A `ref.name` annotation moves that tag to this entry; an identical entry
    /// is not added twice. A cosign `kind=…/image` or `…/imageIndex` entry is refused when
    /// another manifest already has one (cosign reads only the first). Returns the new entry.
    @discardableResult
    public func addManifest(_ bytes: Data, mediaType: String, annotations: [String: String]? = nil,
                            platform: Platform? = nil) throws -> Descriptor {
        var entry = try storeManifest(bytes, mediaType: mediaType)
        entry.annotations = annotations
        entry.platform = platform
        try updateIndex { index in
            if let kind = entry.cosignKind, kind == .image || kind == .imageIndex,
               let other = index.manifests.first(where: { $0.digest != entry.digest && ($0.cosignKind == .image || $0.cosignKind == .imageIndex) }) {
                throw OCIError(.refused, "\(displayName) already holds a cosign \(AnnotationKey.cosignKind)=\(other.cosignKind?.rawValue ?? "") entry (\(other.digest)); cosign reads only the first")
            }
            if let tag = entry.refName {
                index.removeTag(tag)
            }
            if !index.manifests.contains(entry) {
                index.manifests.append(entry)
            }
        }
        return entry
    }

    /// Tags the manifest or index with `digest` (listed in `index.json` or only stored as a
    /// blob) as `name`, moving the tag if it was elsewhere. `name` must be a valid tag.
    public func tag(_ digest: Digest, as name: String) throws {
        guard LayoutReference.isValidTag(name) else {
            throw OCIError(.malformed, "\"\(name.prefix(200))\" is not a valid tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})")
        }
        let descriptor = try resolve(.digest(digest))
        try updateIndex { index in index.setTag(name, on: descriptor) }
    }

    /// Removes tag `name` from `index.json` (blobs are kept). Fails if no entry has it.
    public func untag(_ name: String) throws {
        let removed = try updateIndex { index in index.removeTag(name) }
        guard removed > 0 else {
            throw OCIError(.notFound, "no tag \"\(name.prefix(200))\" in \(displayName)")
        }
    }
}
