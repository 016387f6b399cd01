import AirlockCrypto
import OCI

/// What an attachment's manifest must look like for its kind, so that nothing runnable can
/// pass for a signature (FORMATS.md §3.2, §3.4, §3.6, §4.2):
/// - a signature image (`.sig`): an image manifest of simple-signing layers only;
/// - an attestation image (`.att`): an image manifest of DSSE envelope layers only;
/// - an SBOM attachment (`.sbom`): an image manifest of SPDX, CycloneDX or Syft layers only;
/// - a referrer: an image manifest whose config is not an image config and whose layers are
///   not image layers (Sigstore bundles, cosign's OCI 1.1 signatures, other artifacts);
/// - a referrers tag-schema index (`sha256-<hex>`): an index of referrers of that digest.
///
/// Each has at least one layer (or child), and a `subject`, where present, is the digest the
/// attachment is attached to.
enum AttachmentShape {
    /// What is wrong with `document` as an attachment of `kind` to `subject`; nil when nothing is.
    static func problem(_ kind: AttachmentKind, document: ManifestDocument, subject: Digest,
                        read: (Descriptor) throws -> ManifestDocument) throws -> String? {
        if let declared = document.subject?.digest, declared != subject {
            return "its subject \(declared) is not \(subject)"
        }
        switch (kind, document) {
        case (.referrer, .index(let index)):
            guard !index.manifests.isEmpty else { return "the referrers index lists no referrer" }
            for child in index.manifests {
                guard MediaType.isImageManifest(child.mediaType) else {
                    return "the referrers index lists \(child.digest) of media type \(child.mediaType.prefix(100))"
                }
                let document = try read(child)
                guard document.subject?.digest == subject else {
                    return "the referrers index lists \(child.digest), which is not a referrer of \(subject)"
                }
                if let problem = try problem(.referrer, document: document, subject: subject, read: read) {
                    return "the referrers index lists \(child.digest): \(problem)"
                }
            }
            return nil
        case (_, .index):
            return "it is an index, not a \(name(of: kind)) manifest"
        case (_, .image(let manifest)):
            guard !manifest.layers.isEmpty else { return "the \(name(of: kind)) has no layer" }
            if kind == .referrer, [MediaType.ociConfig, MediaType.dockerConfig].contains(manifest.config.mediaType) {
                return "its config is an image config (\(manifest.config.mediaType)): it could run as an image"
            }
            if let layer = manifest.layers.first(where: { !isLayer($0.mediaType, of: kind) }) {
                return "its layer \(layer.digest) has media type \(layer.mediaType.prefix(100)), not one of a \(name(of: kind))"
            }
            return nil
        }
    }

    private static func isLayer(_ mediaType: String, of kind: AttachmentKind) -> Bool {
        switch kind {
        case .signatures:
            return mediaType == MediaType.cosignSimpleSigning
        case .attestations:
            return mediaType == MediaType.dsseEnvelope
        case .sbom:
            let lowered = mediaType.lowercased()
            return ["spdx", "cyclonedx", "syft"].contains { lowered.contains($0) }
        case .referrer:
            return !imageLayerPrefixes.contains { mediaType.hasPrefix($0) }
        }
    }

    /// Media types of filesystem layers, which no attachment may carry.
    private static let imageLayerPrefixes = ["application/vnd.oci.image.layer.", "application/vnd.docker.image.rootfs."]

    private static func name(of kind: AttachmentKind) -> String {
        switch kind {
        case .signatures: "signature image"
        case .attestations: "attestation image"
        case .sbom: "SBOM attachment"
        case .referrer: "referrer"
        }
    }
}
