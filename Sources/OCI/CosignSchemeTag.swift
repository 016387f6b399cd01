import AirlockCrypto

/// A tag of cosign's scheme (FORMATS.md §3.1, §4.2): `<alg>-<hex>` (e.g. `sha256-<hex>`),
/// optionally with `.sig`, `.att` or `.sbom`, where cosign keeps the signatures,
/// attestations or SBOM of the manifest with that digest (no suffix: its referrers).
public struct CosignSchemeTag: Hashable, Sendable {
    /// What a suffixed tag holds.
    public enum Suffix: String, CaseIterable, Sendable {
        case signatures = ".sig"
        case attestations = ".att"
        case sbom = ".sbom"
    }

    /// The digest the tag spells (`sha256-<hex>` → `sha256:<hex>`).
    public let digest: Digest
    /// The suffix, or nil for a bare `<alg>-<hex>`.
    public let suffix: Suffix?

    /// Parses `tag`; nil when it does not follow the scheme.
    public init?(parsing tag: String) {
        var stem = Substring(tag)
        let suffix = Suffix.allCases.first { stem.hasSuffix($0.rawValue) }
        if let suffix {
            stem = stem.dropLast(suffix.rawValue.count)
        }
        guard let dash = stem.firstIndex(of: "-"),
              let digest = try? Digest(parsing: "\(stem[..<dash]):\(stem[stem.index(after: dash)...])") else { return nil }
        self.digest = digest
        self.suffix = suffix
    }
}
