import ArgumentParser
import Foundation
import Sigstore

/// `--trusted-root FILE`, and where to find a trusted root without it: `$SIGSTORE_TRUSTED_ROOT`,
/// then the TUF cache cosign and sigstore-go keep (`$TUF_ROOT`, else `~/.sigstore/root`), so a
/// cache carried across the air gap just works. airlock ships no copy of any trusted root.
struct TrustedRootOptions: ParsableArguments {
    @Option(name: .customLong("trusted-root"),
            help: ArgumentHelp("trusted_root.json to verify against (default: $SIGSTORE_TRUSTED_ROOT, then the cosign/sigstore-go TUF cache under $TUF_ROOT or ~/.sigstore/root).",
                               valueName: "file"))
    var path: String?

    /// The largest trusted root read.
    private static let sizeLimit = 16 << 20

    /// The trusted root given or discovered, or nil when there is none and it is not `required`.
    ///
    /// `--trusted-root` that cannot be read is an error. A discovered root is another matter
    /// when none is required (key-based verification): a stale `SIGSTORE_TRUSTED_ROOT`, several
    /// cached roots or a corrupt cached one then mean "no root", with a note on stderr, rather
    /// than a failure of a verification that does not need one.
    func load(required: Bool) throws -> TrustedRoot? {
        if let path { return try Self.read(path) }
        do {
            guard let discovered = try Self.discover(environment: ProcessInfo.processInfo.environment) else {
                guard !required else {
                    throw CommandFailure("no trusted root: pass --trusted-root FILE, set SIGSTORE_TRUSTED_ROOT, or copy a cosign TUF cache (~/.sigstore/root, or $TUF_ROOT) to this machine; airlock ships none")
                }
                return nil
            }
            return try Self.read(discovered)
        } catch where !required {
            Terminal.printNotice("airlock: note: no trusted root used (none is needed with keys; log entries are not checked): \(error)")
            return nil
        }
    }

    /// The trusted root in the file at `path`; one that does not parse is reported under
    /// `label` (the path by default).
    static func read(_ path: String, label: String? = nil) throws -> TrustedRoot {
        let data = try VerificationInputs.document(path, limit: sizeLimit, what: "trusted root")
        do {
            return try TrustedRoot(json: data)
        } catch {
            throw CommandFailure("\(label ?? path): \(error)")
        }
    }

    /// The trusted root path from the environment or the TUF cache, nil when none exists.
    /// Several `trusted_root.json` in the cache (e.g. production and staging) are ambiguous.
    static func discover(environment: [String: String]) throws -> String? {
        if let path = environment["SIGSTORE_TRUSTED_ROOT"], !path.isEmpty {
            guard FileManager.default.fileExists(atPath: path) else {
                throw CommandFailure("SIGSTORE_TRUSTED_ROOT names \(path), which does not exist")
            }
            return path
        }
        let cache: URL
        if let tufRoot = environment["TUF_ROOT"], !tufRoot.isEmpty {
            cache = URL(fileURLWithPath: tufRoot)
        } else if let home = environment["HOME"], !home.isEmpty {
            cache = URL(fileURLWithPath: home).appendingPathComponent(".sigstore/root")
        } else {
            return nil
        }
        let found = cachedRoots(in: cache)
        guard found.count <= 1 else {
            throw CommandFailure("several trusted roots in the TUF cache (\(found.joined(separator: ", "))); choose one with --trusted-root")
        }
        return found.first
    }

    /// `<cache>/targets/trusted_root.json` (cosign 2's layout) and
    /// `<cache>/<escaped repository URL>/targets/trusted_root.json` (sigstore-go's).
    private static func cachedRoots(in cache: URL) -> [String] {
        let fileManager = FileManager.default
        let repositories = (try? fileManager.contentsOfDirectory(atPath: cache.path))?.sorted() ?? []
        let candidates = [cache.appendingPathComponent("targets/trusted_root.json")]
            + repositories.map { cache.appendingPathComponent($0).appendingPathComponent("targets/trusted_root.json") }
        return candidates.map(\.path).filter { fileManager.fileExists(atPath: $0) }
    }
}
