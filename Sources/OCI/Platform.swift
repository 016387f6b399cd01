/// The platform an image manifest runs on, as listed in an index (`linux/amd64`, `linux/arm64/v8`).
public struct Platform: Codable, Hashable, Sendable, CustomStringConvertible {
    public var architecture: String
    public var os: String
    public var osVersion: String?
    public var osFeatures: [String]?
    public var variant: String?
    public var features: [String]?

    public init(os: String, architecture: String, variant: String? = nil, osVersion: String? = nil,
                osFeatures: [String]? = nil, features: [String]? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
        self.osVersion = osVersion
        self.osFeatures = osFeatures
        self.features = features
    }

    enum CodingKeys: String, CodingKey {
        case architecture, os, variant, features
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }

    /// `os/architecture[/variant]`.
    public var description: String {
        [os, architecture, variant].compactMap { $0 }.joined(separator: "/")
    }
}
