import AirlockJSON
import Foundation
import OCI
import Sigstore

/// Manifests and descriptors serialised as go-containerregistry writes them for cosign
/// (struct field order, annotations sorted, Go escaping), so the `.sig` images and bundle
/// referrers airlock stores look like cosign's.
enum GoManifestJSON {
    /// `{"mediaType","size","digest","annotations"?,"artifactType"?}`.
    static func descriptor(_ descriptor: Descriptor) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            (key: "mediaType", value: .string(descriptor.mediaType)),
            (key: "size", value: .integer(descriptor.size)),
            (key: "digest", value: .string(descriptor.digest.description)),
        ]
        if let annotations = descriptor.annotations, !annotations.isEmpty {
            members.append((key: "annotations", value: .stringMap(annotations)))
        }
        if let artifactType = descriptor.artifactType {
            members.append((key: "artifactType", value: .string(artifactType)))
        }
        return .object(members)
    }

    /// An image manifest: `schemaVersion`, `mediaType`, `config`, `layers`, then
    /// `annotations`, `subject` and `artifactType` when present.
    static func manifest(_ manifest: ImageManifest) -> Data {
        var members: [(key: String, value: JSONValue)] = [
            (key: "schemaVersion", value: .integer(Int64(manifest.schemaVersion))),
            (key: "mediaType", value: .string(manifest.mediaType ?? MediaType.ociManifest)),
            (key: "config", value: descriptor(manifest.config)),
            (key: "layers", value: .array(manifest.layers.map(descriptor))),
        ]
        if let annotations = manifest.annotations, !annotations.isEmpty {
            members.append((key: "annotations", value: .stringMap(annotations)))
        }
        if let subject = manifest.subject {
            members.append((key: "subject", value: descriptor(subject)))
        }
        if let artifactType = manifest.artifactType {
            members.append((key: "artifactType", value: .string(artifactType)))
        }
        return JSONValue.object(members).serialized(escaping: .goHTMLSafe)
    }
}
