import AirlockCrypto
import Foundation

/// What a reachable blob is to the image that references it.
public enum BlobRole: String, Sendable, Codable {
    case index, manifest, config, layer
    /// Listed in an index with a media type that is neither manifest nor index.
    case other
}

/// A blob reached by walking from root descriptors, with the first descriptor that named it.
public struct ReachableBlob: Hashable, Sendable {
    public let descriptor: Descriptor
    public let role: BlobRole
    /// Manifest/index nesting: 0 for a root, +1 per index or manifest passed through.
    public let depth: Int
}

/// One thing wrong with one blob (or with `index.json`, `digest == nil`).
public struct LayoutProblem: Hashable, Sendable, CustomStringConvertible {
    public let digest: Digest?
    public let role: BlobRole?
    public let error: OCIError

    public init(digest: Digest?, role: BlobRole?, error: OCIError) {
        self.digest = digest
        self.role = role
        self.error = error
    }

    /// The error message, which starts with the digest (e.g. `sha256:… missing`).
    public var description: String { error.message }
}

/// The result of walking a layout from some roots: every reachable blob once, the parsed
/// manifests and indexes, and the problems met on the way (the walk goes on past them).
public struct LayoutWalk: Sendable {
    /// Every reachable blob, each digest once, parents before children.
    public var blobs: [ReachableBlob] = []
    /// The manifests and indexes read (digest, size and media type checked).
    public var manifests: [ManifestBlob] = []
    public var problems: [LayoutProblem] = []
}

extension OCILayout {
    /// Walks from `roots` through indexes (multi-platform), manifests, configs and layers,
    /// reading and checking every manifest and index on the way but not the config and layer
    /// blobs. A manifest's `subject` is not followed. Each digest is visited once (so cycles
    /// end), nesting is bounded by `OCILimits.maxNestingDepth`, and problems are collected,
    /// not thrown.
    public func walk(from roots: [Descriptor]) -> LayoutWalk {
        walk(from: roots, continuing: LayoutWalk())
    }

    /// Goes on with `previous` from more `roots`: the result is what `walk(from:)` gives when
    /// `roots` are listed after the roots `previous` started from (blobs it reached are not
    /// visited again; blobs, manifests and problems keep the same order).
    func walk(from roots: [Descriptor], continuing previous: LayoutWalk) -> LayoutWalk {
        var walk = previous
        var sizes = Dictionary(walk.blobs.map { ($0.descriptor.digest, $0.descriptor.size) }) { first, _ in first }
        var pending: [(Descriptor, BlobRole, Int)] = roots.reversed().map { ($0, Self.role(of: $0), 0) }
        while let (descriptor, role, depth) = pending.popLast() {
            if let seenSize = sizes[descriptor.digest] {
                if seenSize != descriptor.size {
                    walk.problems.append(LayoutProblem(digest: descriptor.digest, role: role, error: OCIError(.sizeMismatch,
                        "\(descriptor.digest) is referenced with sizes \(seenSize) and \(descriptor.size)")))
                }
                continue
            }
            sizes[descriptor.digest] = descriptor.size
            walk.blobs.append(ReachableBlob(descriptor: descriptor, role: role, depth: depth))
            if let data = descriptor.data, Digest.of(data, algorithm: descriptor.digest.algorithm) != descriptor.digest {
                walk.problems.append(LayoutProblem(digest: descriptor.digest, role: role, error: OCIError(.digestMismatch,
                    "\(descriptor.digest) embedded data does not match the digest")))
            }
            guard role == .index || role == .manifest else { continue }
            guard depth < OCILimits.maxNestingDepth else {
                walk.problems.append(LayoutProblem(digest: descriptor.digest, role: role, error: OCIError(.refused,
                    "\(descriptor.digest) is nested more than \(OCILimits.maxNestingDepth) levels deep")))
                continue
            }
            let manifest: ManifestBlob
            do {
                manifest = try readManifest(descriptor)
            } catch let error as OCIError {
                walk.problems.append(LayoutProblem(digest: descriptor.digest, role: role, error: error))
                continue
            } catch {
                walk.problems.append(LayoutProblem(digest: descriptor.digest, role: role, error: OCIError(.io, "\(descriptor.digest): \(error)")))
                continue
            }
            walk.manifests.append(manifest)
            let children: [(Descriptor, BlobRole, Int)] = switch manifest.document {
            case .index(let index):
                index.manifests.map { ($0, Self.role(of: $0), depth + 1) }
            case .image(let image):
                [(image.config, BlobRole.config, depth + 1)] + image.layers.map { ($0, BlobRole.layer, depth + 1) }
            }
            pending.append(contentsOf: children.reversed())
        }
        return walk
    }

    /// The blobs reachable from `roots` (see `walk(from:)`); throws the first problem.
    public func reachableBlobs(from roots: [Descriptor]) throws -> [ReachableBlob] {
        let walk = walk(from: roots)
        if let problem = walk.problems.first { throw problem.error }
        return walk.blobs
    }

    static func role(of descriptor: Descriptor) -> BlobRole {
        if MediaType.isIndex(descriptor.mediaType) { return .index }
        if MediaType.isImageManifest(descriptor.mediaType) { return .manifest }
        return .other
    }
}
