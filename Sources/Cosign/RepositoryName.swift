import OCI

/// A registry repository as go-containerregistry names it, which is what cosign writes as
/// `docker-reference` (FORMATS.md §2): `registry/path`, without tag or digest, with Docker
/// Hub normalised (`ubuntu` → `index.docker.io/library/ubuntu`, `docker.io/x/y` →
/// `index.docker.io/x/y`).
public struct RepositoryName: Hashable, Sendable, CustomStringConvertible {
    public static let dockerHub = "index.docker.io"

    public let registry: String
    public let repository: String

    /// Parses `[registry/]path[:tag][@alg:hex]`, dropping the tag and digest. The path must be
    /// lowercase letters, digits and `._-/`, the registry a host with an optional port.
    public init(parsing text: String) throws(CosignError) {
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") { rest = rest[..<at] }
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            rest = rest[..<colon]
        }
        var registry = Self.dockerHub
        var path = rest
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" {
                registry = first == "docker.io" ? Self.dockerHub : String(first)
                path = rest[rest.index(after: slash)...]
            }
        }
        if registry == Self.dockerHub, !path.contains("/") { path = "library/" + path }
        let allowedPath = Set("abcdefghijklmnopqrstuvwxyz0123456789_-./")
        let allowedHost = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.:[]")
        guard !path.isEmpty, path.count <= 255, path.allSatisfy(allowedPath.contains),
              !path.hasPrefix("/"), !path.hasSuffix("/"), !path.contains("//") else {
            throw CosignError("\"\(text.prefix(200))\" is not a repository name (lowercase letters, digits and ._-/ after the registry)")
        }
        guard !registry.isEmpty, registry.allSatisfy(allowedHost.contains) else {
            throw CosignError("\"\(text.prefix(200))\" does not start with a valid registry host")
        }
        self.registry = registry
        self.repository = String(path)
    }

    /// `registry/repository`.
    public var name: String { "\(registry)/\(repository)" }
    public var description: String { name }
}

extension RepositoryName {
    /// The annotations of an `index.json` entry that name its repository, in the order tried.
    public static let nameAnnotations = [AnnotationKey.imageName, AnnotationKey.containerdImageName, AnnotationKey.refName]

    /// The repository an `index.json` entry names: `io.airlock.image.name`, else
    /// `io.containerd.image.name` (minus tag and digest), else an
    /// `org.opencontainers.image.ref.name` that is a full reference (contains `/`; a bare tag
    /// names nothing). Nil when none applies.
    public init?(annotationsOf entry: Descriptor) throws(CosignError) {
        for key in Self.nameAnnotations {
            guard let value = entry.annotation(key), !value.isEmpty else { continue }
            if key == AnnotationKey.refName, !value.contains("/") { continue }
            do {
                try self.init(parsing: value)
            } catch {
                throw CosignError("annotation \(key)=\(value.prefix(200)) of \(entry.digest): \(error.message)")
            }
            return
        }
        return nil
    }
}
