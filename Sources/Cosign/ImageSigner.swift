import AirlockJSON
import AirlockCrypto
import Foundation
import OCI
import Sigstore

/// Signs images of a layout with a static key, as cosign does offline (no transparency log):
/// a simple-signing layer in the `.sig` image and/or a Sigstore bundle referrer, per
/// `SigningOptions`. The digest is what gets signed: callers resolve tags first.
///
/// A batch of images is signed under one `index.json` update (one lock, one write), so
/// signing a thousand images rewrites the index once. Signatures are made before the lock
/// is taken; reading the existing `.sig` images, de-duplication and storing happen under it,
/// so concurrent signers never lose each other's signatures.
public struct ImageSigner {
    public let key: PrivateKey
    /// The scheme of simple-signing payloads: the key's default (FORMATS.md §1.6), except
    /// Ed25519ph for Ed25519 keys, as cosign signs images.
    public let payloadScheme: SignatureScheme
    /// The scheme of DSSE envelopes: the key's default (pure Ed25519 for Ed25519 keys, which
    /// is what sigstore-go verifies DSSE with).
    public let envelopeScheme: SignatureScheme

    public init(key: PrivateKey) {
        self.key = key
        envelopeScheme = key.algorithm.defaultScheme
        payloadScheme = key.algorithm == .ed25519 ? .ed25519ph : envelopeScheme
    }

    /// Signs each image (an `index.json` entry or a resolved descriptor) and, with
    /// `options.recursive`, every manifest below it. Returns one record per signed manifest,
    /// parents before their children; an image given twice is signed once.
    @discardableResult
    public func sign(_ images: [Descriptor], in layout: OCILayout, options: SigningOptions) throws -> [SignedManifest] {
        guard !options.formats.isEmpty else { throw CosignError("no signature format selected") }
        let targets = try collectTargets(images, in: layout, options: options)
        let prepared = try targets.map { try prepare($0, options: options) }
        return try layout.updateIndex { index in
            index.adoptCosignImage(among: Set(images.map(\.digest)))
            var signatureImages = index.signatureImages
            let cosignImage = index.cosignImageEntry?.digest
            let listedBundles = options.formats.contains(.bundle) ? listedBundleReferrers(in: index, layout: layout) : [:]
            return try prepared.map { signature in
                SignedManifest(descriptor: signature.target.descriptor, dockerReference: signature.target.dockerReference,
                               legacy: try signature.legacy.map {
                                   try storeLegacy($0, of: signature.target, in: &index, signatureImages: &signatureImages,
                                                   cosignImage: cosignImage, layout: layout)
                               },
                               bundle: try signature.bundle.map {
                                   try storeBundle($0, existing: listedBundles[signature.target.descriptor.digest] ?? [], in: &index, layout: layout)
                               })
            }
        }
    }

    // MARK: - Targets

    struct Target {
        let descriptor: Descriptor
        let dockerReference: String
    }

    private func collectTargets(_ images: [Descriptor], in layout: OCILayout, options: SigningOptions) throws -> [Target] {
        var targets: [Target] = []
        var seen = Set<Digest>()
        for image in images where seen.insert(image.digest).inserted {
            let name = try dockerReference(for: image, options: options)
            let root = try layout.readManifest(image)
            targets.append(Target(descriptor: Descriptor(mediaType: image.mediaType, digest: image.digest, size: image.size), dockerReference: name))
            guard options.recursive, case .index = root.document else { continue }
            let walk = layout.walk(from: [image])
            if let problem = walk.problems.first { throw problem.error }
            for child in walk.manifests.dropFirst() where seen.insert(child.descriptor.digest).inserted {
                let descriptor = child.descriptor
                targets.append(Target(descriptor: Descriptor(mediaType: descriptor.mediaType, digest: descriptor.digest,
                                                             size: descriptor.size, platform: descriptor.platform),
                                      dockerReference: name))
            }
        }
        return targets
    }

    private func dockerReference(for image: Descriptor, options: SigningOptions) throws -> String {
        if let given = options.dockerReference { return try RepositoryName(parsing: given).name }
        guard let named = try RepositoryName(annotationsOf: image) else {
            throw CosignError("cannot tell which repository \(image.digest) belongs to: pass --reference REGISTRY/REPOSITORY "
                + "or annotate its index.json entry with \(AnnotationKey.imageName)")
        }
        return named.name
    }

    // MARK: - Signing (before the lock)

    struct LegacySignature {
        let payload: Data
        let layer: SignatureLayer
    }

    struct BundleSignature {
        let statement: Data
        let bundle: Data
        let referrer: BundleReferrer
    }

    struct PreparedSignature {
        let target: Target
        let legacy: LegacySignature?
        let bundle: BundleSignature?
    }

    private func prepare(_ target: Target, options: SigningOptions) throws -> PreparedSignature {
        let digest = target.descriptor.digest
        var legacy: LegacySignature?
        if options.formats.contains(.legacy) {
            let payload = SimpleSigningPayload(dockerReference: target.dockerReference, manifestDigest: digest,
                                               annotations: options.annotations).encoded()
            legacy = LegacySignature(payload: payload, layer: SignatureLayer(payload: payload, signature: try key.sign(payload, scheme: payloadScheme)))
        }
        var bundle: BundleSignature?
        if options.formats.contains(.bundle) {
            let statement = InTotoStatement.cosignSign(digest: digest, annotations: options.annotations).encoded()
            let pae = DSSEEnvelope.pae(payloadType: InTotoStatement.payloadType, payload: statement)
            let envelope = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payload: statement,
                                        signatures: [.init(signature: try key.sign(pae, scheme: envelopeScheme))])
            let bytes = SigstoreBundle(version: .v0_3, verificationMaterial: VerificationMaterial(signer: .publicKey(hint: key.publicKey.bundleHint)),
                                       content: .dsseEnvelope(envelope)).encoded()
            bundle = BundleSignature(statement: statement, bundle: bytes,
                                     referrer: BundleReferrer(bundle: bytes, subject: target.descriptor,
                                                              predicateType: InTotoStatement.cosignSignPredicateType, created: options.created))
        }
        return PreparedSignature(target: target, legacy: legacy, bundle: bundle)
    }

    // MARK: - Storing (under the lock)

    private func storeLegacy(_ signature: LegacySignature, of target: Target, in index: inout ImageIndex,
                             signatureImages: inout [Digest: [Descriptor]], cosignImage: Digest?,
                             layout: OCILayout) throws -> SignedManifest.Outcome {
        let digest = target.descriptor.digest
        let existing = signatureImages[digest] ?? []
        var image = SignatureImage()
        for entry in existing {
            let stored: SignatureImage
            do {
                stored = try SignatureImage(manifest: try layout.readManifest(entry))
            } catch {
                throw CosignError("cannot add to the signature image \(SignatureImage.tag(for: digest)) (\(entry.digest)): \(error)")
            }
            image.layers += stored.layers.filter { !image.layers.contains($0) }
        }
        if let current = existing.last, image.layers.contains(where: { isSameSignature($0, as: signature) }) {
            return .alreadyPresent(current.digest)
        }
        guard image.layers.count < SignatureImage.maxLayers else {
            throw CosignError("the signature image \(SignatureImage.tag(for: digest)) already holds \(image.layers.count) signatures, the most cosign reads")
        }
        image.layers.append(signature.layer)
        try layout.addBlob(signature.payload)
        try layout.addBlob(image.configBytes)
        let stored = try layout.storeManifest(image.manifestBytes, mediaType: MediaType.ociManifest)
        signatureImages[digest] = [index.setSignatureImage(stored, of: digest, replacing: existing, cosignImage: cosignImage)]
        return .added(stored.digest)
    }

    /// cosign's duplicate rule: same payload digest and media type, same non-signature
    /// annotations, and the stored signature verifies with this signer's key.
    private func isSameSignature(_ layer: SignatureLayer, as signature: LegacySignature) -> Bool {
        guard layer.descriptor.digest == signature.layer.descriptor.digest,
              layer.descriptor.mediaType == signature.layer.descriptor.mediaType,
              layer.nonSignatureAnnotations == signature.layer.nonSignatureAnnotations,
              let text = layer.signatureText, let stored = Base64.decodeStandard(text) else { return false }
        return key.publicKey.isValidSignature(stored, for: signature.payload, scheme: payloadScheme)
    }

    private func storeBundle(_ signature: BundleSignature, existing: [ListedBundle], in index: inout ImageIndex,
                             layout: OCILayout) throws -> SignedManifest.Outcome {
        if let duplicate = existing.first(where: { isSameBundle($0, as: signature, layout: layout) }) {
            return .alreadyPresent(duplicate.referrer.digest)
        }
        try layout.addBlob(signature.bundle)
        if !layout.hasBlob(Descriptor.emptyJSON.digest) { try layout.addBlob(Data("{}".utf8)) }
        let stored = try layout.storeManifest(signature.referrer.manifestBytes, mediaType: MediaType.ociManifest)
        index.addReferrer(stored)
        return .added(stored.digest)
    }

    /// A bundle referrer listed in `index.json`, with its bundle layer.
    struct ListedBundle {
        let referrer: Descriptor
        let layer: Descriptor
    }

    /// The bundle referrers listed in `index.json`, by subject digest. Best effort (for
    /// de-duplication only): entries that cannot be read are left out.
    private func listedBundleReferrers(in index: ImageIndex, layout: OCILayout) -> [Digest: [ListedBundle]] {
        var found: [Digest: [ListedBundle]] = [:]
        for entry in index.manifests where entry.artifactType?.hasPrefix(MediaType.sigstoreBundlePrefix) == true {
            guard let manifest = try? layout.readManifest(entry), case .image(let image) = manifest.document,
                  let subject = image.subject, image.layers.count == 1 else { continue }
            found[subject.digest, default: []].append(ListedBundle(referrer: entry, layer: image.layers[0]))
        }
        return found
    }

    /// The same statement, signed by this signer's key.
    private func isSameBundle(_ listed: ListedBundle, as signature: BundleSignature, layout: OCILayout) -> Bool {
        guard let bytes = try? layout.readBlob(listed.layer, limit: SigstoreBundle.jsonLimits.maxBytes),
              let bundle = try? SigstoreBundle(json: bytes), case .dsseEnvelope(let envelope) = bundle.content,
              envelope.payloadType == InTotoStatement.payloadType, envelope.payload == signature.statement else { return false }
        return key.publicKey.isValidSignature(bundle.content.signature, for: envelope.pae, scheme: envelopeScheme)
    }
}
