import AirlockCrypto

/// What an archive entry that passed `ArchiveEntryPolicy` is.
enum AcceptedEntry: Hashable {
    /// `oci-layout`.
    case layoutMarker
    /// `index.json`.
    case index
    /// `blobs/<alg>/<hex>`: content that must hash to this digest.
    case blob(Digest)
    /// A file below `airlock/` (trust material, `contents.json`); the path is relative to `airlock/`.
    case airlockFile(String)
    /// A file of a `docker save` archive (`manifest.json`, `<id>/layer.tar`, ...), only
    /// accepted when reading a docker archive as a pack source.
    case dockerFile(String)
    /// A `docker save` symlink `<id>/layer.tar` → another layer file of the same archive.
    case dockerLayerLink(String, target: String)
    /// A directory entry that tar tools write (`./`, `blobs/`, `blobs/sha256/`, `airlock/…`);
    /// nothing is created for it.
    case directory

    /// The normalized path of a file entry inside the layout (nil for directories and links).
    var relativePath: String? {
        switch self {
        case .layoutMarker: "oci-layout"
        case .index: "index.json"
        case .blob(let digest): digest.blobPath
        case .airlockFile(let path): "airlock/\(path)"
        case .dockerFile(let path): path
        case .dockerLayerLink, .directory: nil
        }
    }
}

extension Digest {
    /// `blobs/<alg>/<hex>`: where a layout holds this blob, as staged and as archived.
    var blobPath: String { "blobs/\(algorithm.rawValue)/\(hex)" }
}

/// Which tar entries airlock accepts, and what they are. Every entry of an archive is
/// hostile until this has classified it; a refusal names the entry.
///
/// Accepted: regular files `oci-layout`, `index.json`, `blobs/<alg>/<hex>` (sha256, sha384 or
/// sha512 with lowercase hex of the right length) and `airlock/<path>` (components of
/// `[A-Za-z0-9_][A-Za-z0-9._+=@,-]*`, at most 8 deep, 128 bytes each); directory entries for
/// exactly `./`, `blobs/`, `blobs/<alg>/`, `airlock/` and directories below it. One leading
/// `./` is tolerated (GNU tar and skopeo write it). Refused: empty or non-ASCII names,
/// absolute paths, `..`, `.` or empty components, symbolic and hard links, devices, FIFOs,
/// sockets, sparse files, and any other name. Duplicates are refused by the stager.
///
/// With `dockerArchive`, the files of a `docker save` tarball are accepted as well:
/// `manifest.json`, `repositories`, `<hex64>.json`, and `<hex64>/` holding `json`,
/// `VERSION` and `layer.tar`, where `layer.tar` may be a symbolic link to another layer
/// file of the archive (docker writes those for shared layers).
struct ArchiveEntryPolicy {
    var dockerArchive = false

    static let maxNameBytes = 512
    static let maxComponentBytes = 128
    static let maxAirlockDepth = 8

    func classify(_ header: TarEntryHeader) throws -> AcceptedEntry {
        let raw = header.name
        func refuse(_ reason: String) -> TransferError { TransferError.entry(raw, reason) }
        guard !raw.isEmpty else { throw refuse("empty name") }
        guard raw.utf8.count <= Self.maxNameBytes else { throw refuse("name longer than \(Self.maxNameBytes) bytes") }
        guard raw.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { throw refuse("name is not printable ASCII") }
        guard !raw.hasPrefix("/") else { throw refuse("absolute path") }
        let components = raw.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.contains("..") else { throw refuse("path traversal (..)") }

        let name = Self.normalizedName(header)
        let parts = name.isEmpty ? [] : name.split(separator: "/", omittingEmptySubsequences: false)
        guard !parts.contains(where: { $0.isEmpty || $0 == "." }) else {
            throw refuse("not a normalized path (empty or . component)")
        }
        guard !header.isSparse else { throw refuse("sparse files are not accepted") }

        switch header.kind {
        case .regularFile:
            if let accepted = try classifyFile(parts) { return accepted }
            throw refuse(unexpectedNameReason(parts))
        case .directory:
            guard isToleratedDirectory(parts) else { throw refuse("unexpected directory") }
            return .directory
        case .symbolicLink(let target):
            if dockerArchive, let link = dockerLayerLink(parts, target: target) { return link }
            throw refuse("symbolic link (to \(TransferError.quoted(target))) is not accepted")
        case .hardLink(let target):
            throw refuse("hard link (to \(TransferError.quoted(target))) is not accepted")
        case .special(let what):
            throw refuse("\(what) is not accepted")
        }
    }

    /// The entry's name without one leading `./` and, for a directory, without its trailing `/`.
    static func normalizedName(_ header: TarEntryHeader) -> Substring {
        var name = Substring(header.name)
        if name.hasPrefix("./") { name = name.dropFirst(2) }
        if header.kind == .directory, name.hasSuffix("/") { name = name.dropLast() }
        return name
    }

    private func classifyFile(_ parts: [Substring]) throws -> AcceptedEntry? {
        switch parts.count {
        case 1 where parts[0] == "oci-layout": return .layoutMarker
        case 1 where parts[0] == "index.json": return .index
        case 3 where parts[0] == "blobs":
            guard let algorithm = DigestAlgorithm(rawValue: String(parts[1])) else { return nil }
            return (try? Digest(parsing: "\(algorithm.rawValue):\(parts[2])")).map(AcceptedEntry.blob)
        default:
            break
        }
        if parts.first == "airlock", parts.count >= 2, isSafeAirlockPath(parts.dropFirst()) {
            return .airlockFile(parts.dropFirst().joined(separator: "/"))
        }
        if dockerArchive, isDockerFile(parts) {
            return .dockerFile(parts.joined(separator: "/"))
        }
        return nil
    }

    private func unexpectedNameReason(_ parts: [Substring]) -> String {
        if parts.first == "blobs" { return "not a blob name (blobs/sha256|sha384|sha512/<lowercase hex digest>)" }
        if parts.first == "airlock" { return "not an allowed name below airlock/" }
        return "unexpected file (an OCI layout holds only oci-layout, index.json, blobs/ and airlock/)"
    }

    private func isToleratedDirectory(_ parts: [Substring]) -> Bool {
        switch parts.count {
        case 0: return true
        case 1 where parts[0] == "blobs" || parts[0] == "airlock": return true
        case 2 where parts[0] == "blobs": return DigestAlgorithm(rawValue: String(parts[1])) != nil
        default:
            if parts.first == "airlock" { return isSafeAirlockPath(parts.dropFirst()) }
            return dockerArchive && parts.count == 1 && Self.isHex64(parts[0])
        }
    }

    private func isSafeAirlockPath(_ parts: ArraySlice<Substring>) -> Bool {
        guard !parts.isEmpty, parts.count <= Self.maxAirlockDepth else { return false }
        return parts.allSatisfy(Self.isSafeComponent)
    }

    /// `[A-Za-z0-9_][A-Za-z0-9._+=@,-]*`, at most `maxComponentBytes`.
    static func isSafeComponent(_ part: Substring) -> Bool {
        guard let first = part.utf8.first, part.utf8.count <= maxComponentBytes,
              isAlphanumeric(first) || first == UInt8(ascii: "_") else { return false }
        return part.utf8.allSatisfy { isAlphanumeric($0) || "._+=@,-".utf8.contains($0) }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isHex64(_ part: Substring) -> Bool {
        part.utf8.count == 64 && part.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }

    private func isDockerFile(_ parts: [Substring]) -> Bool {
        switch parts.count {
        case 1:
            return parts[0] == "manifest.json" || parts[0] == "repositories"
                || (parts[0].hasSuffix(".json") && Self.isHex64(parts[0].dropLast(5)))
        case 2:
            return Self.isHex64(parts[0]) && ["json", "VERSION", "layer.tar"].contains(parts[1])
        default:
            return false
        }
    }

    /// `<hex64>/layer.tar` → `../<hex64>/layer.tar` or `../blobs/sha256/<hex>`, as a path from the archive root.
    private func dockerLayerLink(_ parts: [Substring], target: String) -> AcceptedEntry? {
        guard parts.count == 2, Self.isHex64(parts[0]), parts[1] == "layer.tar", target.hasPrefix("../") else { return nil }
        let resolved = target.dropFirst(3).split(separator: "/", omittingEmptySubsequences: false)
        let isLayerFile = resolved.count == 2 && Self.isHex64(resolved[0]) && resolved[1] == "layer.tar"
        let isBlob = resolved.count == 3 && resolved[0] == "blobs" && resolved[1] == "sha256" && Self.isHex64(resolved[2])
        guard isLayerFile || isBlob else { return nil }
        return .dockerLayerLink(parts.joined(separator: "/"), target: resolved.joined(separator: "/"))
    }
}
