import AirlockCrypto
import Foundation
import OCI
import Sigstore

/// The signatures stored in a layout, looked up by the digest they sign. Built once per
/// layout (`index.json` read once, the blob store scanned once for referrers), then asked
/// about any number of images.
///
/// Legacy signatures come from the `.sig` image tagged `sha256-<hex>.sig`, from a
/// `cosign save` `kind=…/sigs` entry when the digest is the layout's cosign image, and from
/// OCI 1.1 referrers of artifact type `application/vnd.dev.cosign.artifact.sig.v1+json`
/// (FORMATS.md §3.6). Bundle signatures come from referrers — listed in `index.json` or
/// stored only as blobs, as `cosign save` leaves them — that carry a Sigstore bundle; like
/// cosign, such a referrer counts only with exactly one layer, a bundle media type and a
/// bundle of version 0.3 or later, but here one that breaks the rule is reported with the
/// reason instead of skipped silently.
public struct SignatureCatalog {
    public let layout: OCILayout
    public let index: ImageIndex
    private let signatureImages: [Digest: [Descriptor]]
    private let referrers: [Digest: [ManifestBlob]]

    public init(layout: OCILayout) throws {
        self.layout = layout
        index = try layout.readIndex()
        signatureImages = index.signatureImages
        referrers = try layout.referrersBySubject()
    }

    /// Every signature of `digest`, legacy ones first, each exactly once.
    public func signatures(of digest: Digest) -> [FoundSignature] {
        legacySignatures(of: digest) + bundleSignatures(of: digest)
    }

    // MARK: - Legacy

    private func legacySignatures(of digest: Digest) -> [FoundSignature] {
        var found: [FoundSignature] = []
        var seenLayers = Set<SignatureLayer>()
        for entry in signatureImages[digest] ?? [] {
            let name = entry.refName ?? "\(AnnotationKey.cosignKind)=\(CosignLayoutKind.signatures.rawValue) entry"
            do {
                let image = try SignatureImage(manifest: try layout.readManifest(entry))
                found += layers(of: image, named: name, seen: &seenLayers)
            } catch {
                found.append(FoundSignature(format: .legacy, digest: entry.digest, location: "signature image \(name) (\(entry.digest))",
                                            content: .failure(CosignError("signature image \(name) cannot be read: \(error)"))))
            }
        }
        for referrer in referrers[digest] ?? [] where referrer.document.effectiveArtifactType == MediaType.cosignSignatureArtifact {
            let name = "signature referrer \(referrer.descriptor.digest)"
            do {
                found += layers(of: try SignatureImage(manifest: referrer), named: name, seen: &seenLayers)
            } catch {
                found.append(FoundSignature(format: .legacy, digest: referrer.descriptor.digest, location: name,
                                            content: .failure(error)))
            }
        }
        return found
    }

    private func layers(of image: SignatureImage, named name: String, seen: inout Set<SignatureLayer>) -> [FoundSignature] {
        image.layers.enumerated().compactMap { position, layer in
            guard seen.insert(layer).inserted else { return nil }
            let location = "\(name) layer \(position + 1)"
            guard layer.isSimpleSigning else {
                return FoundSignature(format: .legacy, digest: layer.descriptor.digest, location: location, content: .failure(CosignError(
                    "layer media type \(layer.descriptor.mediaType.prefix(100)) is not \(MediaType.cosignSimpleSigning)")))
            }
            return FoundSignature(format: .legacy, digest: layer.descriptor.digest, location: location, content: .success(.legacy(layer)))
        }
    }

    /// Reads what a found signature points at: the payload of a legacy layer (at most 128 MiB),
    /// or the bundle of a referrer (parsed; version 0.3 or later required, as cosign).
    public func load(_ content: FoundSignature.Content) throws(CosignError) -> FoundSignature.Loaded {
        switch content {
        case .legacy(let layer):
            do {
                return .legacy(layer: layer, payload: try layout.readBlob(layer.descriptor, limit: SignatureImage.maxLayerBytes))
            } catch {
                throw CosignError("payload \(error)")
            }
        case .bundle(let layer):
            return .bundle(try bundle(in: layer))
        }
    }

    // MARK: - Bundles

    private func bundleSignatures(of digest: Digest) -> [FoundSignature] {
        (referrers[digest] ?? []).compactMap { referrer in
            guard case .image(let manifest) = referrer.document, Self.isBundleReferrer(manifest) else { return nil }
            let location = "referrer \(referrer.descriptor.digest)"
            return FoundSignature(format: .bundle, digest: referrer.descriptor.digest, location: location,
                                  content: Result { () throws(CosignError) in .bundle(try bundleLayer(of: manifest)) })
        }
    }

    /// A referrer that claims to carry a Sigstore bundle (by its artifact type or a layer).
    static func isBundleReferrer(_ manifest: ImageManifest) -> Bool {
        let prefix = MediaType.sigstoreBundlePrefix
        return (manifest.artifactType ?? manifest.config.mediaType).hasPrefix(prefix) || manifest.layers.contains { $0.mediaType.hasPrefix(prefix) }
    }

    private func bundleLayer(of manifest: ImageManifest) throws(CosignError) -> Descriptor {
        guard manifest.layers.count == 1, let layer = manifest.layers.first else {
            throw CosignError("the referrer has \(manifest.layers.count) layers; a bundle referrer has exactly one")
        }
        guard layer.mediaType.hasPrefix(MediaType.sigstoreBundlePrefix) else {
            throw CosignError("the referrer's layer has media type \(layer.mediaType.prefix(100)), not a Sigstore bundle")
        }
        return layer
    }

    private func bundle(in layer: Descriptor) throws(CosignError) -> SigstoreBundle {
        let bytes: Data
        do {
            bytes = try layout.readBlob(layer, limit: SigstoreBundle.jsonLimits.maxBytes)
        } catch {
            throw CosignError("bundle \(error)")
        }
        let bundle: SigstoreBundle
        do {
            bundle = try SigstoreBundle(json: bytes)
        } catch {
            throw CosignError(error.message)
        }
        guard bundle.version >= .v0_3 else {
            throw CosignError("bundle version \(bundle.version.rawValue) in a referrer; image signatures need bundle 0.3 or later (as cosign)")
        }
        return bundle
    }
}
