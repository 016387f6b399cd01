import AirlockCrypto
import Foundation
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

/// A trust-material file read and checked for packing.
struct IncludedTrustFile {
    let kind: TrustMaterialKind
    /// Path inside the tarball, e.g. `airlock/keys/cosign.pub`.
    let archivePath: String
    let data: Data

    static let maxBytes = 8 << 20

    /// Reads `file` and checks that it is what its kind says: a PEM public key, a Sigstore
    /// trusted root (JSON with a `application/vnd.dev.sigstore.trustedroot…` media type),
    /// or a YAML mapping.
    init(_ file: TrustMaterialFile) throws {
        kind = file.kind
        data = try readFile(file.url, limit: Self.maxBytes, what: file.kind.rawValue)
        archivePath = "airlock/\(file.kind.archiveDirectory)/\(Self.archiveName(file.url.lastPathComponent))"
        let path = file.url.path
        guard let text = String(data: data, encoding: .utf8) else {
            throw TransferError(.malformed, "\(file.kind.rawValue) \(path) is not UTF-8 text")
        }
        switch file.kind {
        case .key:
            do {
                _ = try PublicKey(pem: text)
            } catch {
                throw TransferError(.malformed, "key \(path) is not a PEM public key: \(error)")
            }
        case .trustedRoot:
            struct Header: Decodable { let mediaType: String }
            guard let header = try? JSONDecoder().decode(Header.self, from: data),
                  header.mediaType.hasPrefix("application/vnd.dev.sigstore.trustedroot") else {
                throw TransferError(.malformed, "trusted root \(path) is not a Sigstore trusted_root.json (no application/vnd.dev.sigstore.trustedroot mediaType)")
            }
        case .policy:
            let parsed: Any?
            do {
                parsed = try Yams.load(yaml: text)
            } catch {
                throw TransferError(.malformed, "policy \(path) is not valid YAML: \(String(describing: error).split(separator: "\n").first ?? "")")
            }
            guard parsed is [AnyHashable: Any] else {
                throw TransferError(.malformed, "policy \(path) is not a YAML mapping")
            }
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
