import AirlockCrypto
import AirlockJSON
import Foundation

/// Raw edits of a layout directory for mutation tests, done on files (not through the OCI
/// store, which would refuse what the tests need to write): replace a blob by other bytes
/// under their own digest and repoint what referred to the old one, so that the mutated
/// content is read and judged rather than stopped by a digest mismatch.
struct LayoutSurgery {
    let directory: URL

    func blobURL(_ digest: Digest) -> URL {
        directory.appendingPathComponent("blobs/\(digest.algorithm.rawValue)/\(digest.hex)")
    }

    var indexURL: URL { directory.appendingPathComponent("index.json") }

    func read(_ digest: Digest) throws -> Data { try Data(contentsOf: blobURL(digest)) }

    /// Stores `bytes` in place of the blob `old` (removed) and rewrites every descriptor of
    /// `old` in `parents` (manifests, replaced in turn the same way) and in `index.json`.
    /// `parents` lists the chain upwards: the manifest holding `old`, then its referrer or
    /// holder, and so on.
    func replace(_ old: Digest, with bytes: Data, parents: [Digest]) throws {
        let new = Digest.of(bytes)
        guard new != old else { return }
        try FileManager.default.removeItem(at: blobURL(old))
        try bytes.write(to: blobURL(new))
        if let parent = parents.first {
            let document = try JSONValue.parse(try read(parent))
            try replace(parent, with: Self.repointing(document, from: old, to: new, size: bytes.count).serialized(),
                        parents: Array(parents.dropFirst()))
        }
        let index = try JSONValue.parse(try Data(contentsOf: indexURL))
        try Self.repointing(index, from: old, to: new, size: bytes.count).serialized().write(to: indexURL)
    }

    /// `value` with every descriptor object whose digest is `old` pointing at `new` instead.
    static func repointing(_ value: JSONValue, from old: Digest, to new: Digest, size: Int) -> JSONValue {
        switch value {
        case .object(let members):
            let isTarget = value["digest"]?.stringValue == old.description
            return .object(members.map { member in
                if isTarget, member.key == "digest" { return (key: member.key, value: .string(new.description)) }
                if isTarget, member.key == "size" { return (key: member.key, value: .integer(Int64(size))) }
                return (key: member.key, value: repointing(member.value, from: old, to: new, size: size))
            })
        case .array(let elements):
            return .array(elements.map { repointing($0, from: old, to: new, size: size) })
        default:
            return value
        }
    }

    /// Every blob file, sorted by name.
    func blobs() throws -> [Digest] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("blobs/sha256").path)
        return try names.sorted().map { try Digest(parsing: "sha256:\($0)") }
    }
}
