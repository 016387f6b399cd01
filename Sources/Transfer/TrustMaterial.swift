import AirlockCrypto
import Foundation
import Sigstore
import Yams

/// Kinds of trust material a tarball can carry under `airlock/`.
public enum TrustMaterialKind: String, Codable, Sendable, CaseIterable {
    /// A PEM public key (`cosign.pub`), under `airlock/keys/`.
    case key
    /// A Sigstore `trusted_root.json`, under `airlock/trusted-roots/`.
    case trustedRoot = "trusted-root"
    /// A YAML verification policy, under `airlock/policies/`.
    case policy

    /// The directory below `airlock/` that holds this kind.
    public var archiveDirectory: String {
        switch self {
        case .key: "keys"
        case .trustedRoot: "trusted-roots"
        case .policy: "policies"
        }
    }

    init?(archiveDirectory: String) {
        guard let kind = Self.allCases.first(where: { $0.archiveDirectory == archiveDirectory }) else { return nil }
        self = kind
    }
}

/// A trust-material file to include in a pack.
public struct TrustMaterialFile: Sendable, Hashable {
    public let kind: TrustMaterialKind
    public let url: URL

    public init(kind: TrustMaterialKind, url: URL) {
        self.kind = kind
        self.url = url
    }
}

/// A trust-material file read and checked for packing. Only what was validated is archived,
/// and nothing that looks like a secret: a file containing `PRIVATE KEY` anywhere is refused.
struct IncludedTrustFile {
    let kind: TrustMaterialKind
    /// Path inside the tarball, e.g. `airlock/keys/cosign.pub`.
    let archivePath: String
    /// What is archived: for a key, its `PUBLIC KEY` PEM re-encoded from the parsed key; for a
    /// trusted root or a policy, the file as read once it parsed.
    let data: Data

    static let maxBytes = 8 << 20

    /// Reads `file` and checks that it is what its kind says: exactly one PEM block holding a
    /// public key, a Sigstore trusted root that parses as one, or a YAML mapping.
    init(_ file: TrustMaterialFile) throws {
        kind = file.kind
        let read = try readFile(file.url, limit: Self.maxBytes, what: file.kind.rawValue)
        archivePath = "airlock/\(file.kind.archiveDirectory)/\(Self.archiveName(file.url.lastPathComponent))"
        let path = file.url.path
        guard let text = String(data: read, encoding: .utf8) else {
            throw TransferError(.malformed, "\(file.kind.rawValue) \(path) is not UTF-8 text")
        }
        guard !text.contains("PRIVATE KEY") else {
            throw TransferError(.malformed, "\(file.kind.rawValue) \(path) contains a private key (PRIVATE KEY): it is not packed")
        }
        switch file.kind {
        case .key:
            data = Data(try Self.publicKey(text, path: path).pem.utf8)
        case .trustedRoot:
            do {
                _ = try TrustedRoot(json: read)
            } catch {
                throw TransferError(.malformed, "trusted root \(path) is not a Sigstore trusted_root.json: \(error)")
            }
            data = read
        case .policy:
            // Composed, not loaded: loading expands aliases, and nested aliases to aliases (a
            // "billion laughs" document of a few hundred bytes) would never finish.
            let root: Node?
            do {
                root = try Yams.compose(yaml: text)
            } catch {
                throw TransferError(.malformed, "policy \(path) is not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
            }
            guard root?.mapping != nil else {
                throw TransferError(.malformed, "policy \(path) is not a YAML mapping")
            }
            data = read
        }
    }

    /// The public key of a key file holding exactly one PEM block.
    private static func publicKey(_ text: String, path: String) throws -> PublicKey {
        do {
            let blocks = try PEMBlock.parseAll(text)
            guard blocks.count == 1 else {
                throw TransferError(.malformed, "key \(path) holds \(blocks.count) PEM blocks; a key file to pack holds exactly one PUBLIC KEY")
            }
            return try PublicKey(pem: text)
        } catch let error as TransferError {
            throw error
        } catch {
            throw TransferError(.malformed, "key \(path) is not a PEM public key: \(error)")
        }
    }

    /// `name` made safe for `airlock/…`: characters outside `[A-Za-z0-9._+=@,-]` become `_`,
    /// a leading `.`/`-` gets a `_` prefix, and at most 128 bytes are kept.
    static func archiveName(_ name: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+=@,-".unicodeScalars)
        var safe = String(String.UnicodeScalarView(name.unicodeScalars.map { allowed.contains($0) ? $0 : "_" }))
        if safe.isEmpty || !ArchiveEntryPolicy.isSafeComponent(Substring(safe)) { safe = "_" + safe }
        return String(safe.utf8.prefix(ArchiveEntryPolicy.maxComponentBytes)) ?? "_"
    }
}
