import Foundation

/// What `ImageSigner` writes for each image.
public struct SigningOptions: Sendable {
    /// Which formats to write (cosign 3 writes `bundle`, cosign 2 `legacy`; default both).
    public var formats: Set<SignatureFormat>
    /// `-a key=value` pairs: the payload's `optional` object and the statement subject's annotations.
    public var annotations: [String: String]
    /// Also sign every manifest and index below a signed index (each platform).
    public var recursive: Bool
    /// The repository to write as `docker-reference`; nil: from the image's name annotations.
    public var dockerReference: String?
    /// The `org.opencontainers.image.created` time of bundle referrers.
    public var created: Date

    public init(formats: Set<SignatureFormat> = Set(SignatureFormat.allCases), annotations: [String: String] = [:],
                recursive: Bool = false, dockerReference: String? = nil, created: Date = Date()) {
        self.formats = formats
        self.annotations = annotations
        self.recursive = recursive
        self.dockerReference = dockerReference
        self.created = created
    }
}
