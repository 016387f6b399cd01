import AirlockJSON
import AirlockCrypto
import Cosign
import Foundation
import OCI
import Sigstore
import SigstoreTestKit
import Testing

@Suite("Image signer")
struct ImageSignerTests {
    let key: PrivateKey
    let signer: ImageSigner

    init() throws {
        key = try PrivateKey.generateP256()
        signer = ImageSigner(key: key)
    }

    /// The payload and signature of each layer of the `.sig` image of `digest`.
    func legacySignatures(of digest: Digest, in store: TestLayout) throws -> [(payload: Data, signature: Data)] {
        let entry = try #require(try store.index.entries(taggedAs: SignatureImage.tag(for: digest)).first)
        return try store.manifest(entry.digest).layers.map { layer in
            let text = try #require(layer.annotations?[CosignAnnotation.signature])
            return (try store.blob(layer), try #require(Base64.decodeStandard(text)))
        }
    }

    @Test func signsBothFormatsOverTheExactBytes() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        let options = SigningOptions(annotations: ["env": "prod"], created: Date(timeIntervalSince1970: 0))
        let results = try signer.sign([image], in: store.layout, options: options)
        #expect(results.count == 1)
        #expect(results[0].dockerReference == "registry.example/app")

        let legacy = try legacySignatures(of: image.digest, in: store)
        #expect(legacy.count == 1)
        let payload = try SimpleSigningPayload(json: legacy[0].payload)
        #expect(payload == SimpleSigningPayload(dockerReference: "registry.example/app", manifestDigest: image.digest, annotations: ["env": "prod"]))
        #expect(key.publicKey.isValidSignature(legacy[0].signature, for: legacy[0].payload, scheme: .ecdsa(.sha256)))

        let referrer = try #require(results[0].bundle?.digest)
        let manifest = try store.manifest(referrer)
        #expect(manifest.subject?.digest == image.digest)
        #expect(manifest.annotations?[AnnotationKey.created] == "1970-01-01T00:00:00Z")
        let bundle = try SigstoreBundle(json: try store.blob(manifest.layers[0]))
        #expect(bundle.verificationMaterial.signer == .publicKey(hint: key.publicKey.bundleHint))
        guard case .dsseEnvelope(let envelope) = bundle.content else { Issue.record("not a DSSE bundle"); return }
        #expect(key.publicKey.isValidSignature(envelope.signatures[0].signature, for: envelope.pae, scheme: .ecdsa(.sha256)))
        let statement = try InTotoStatement(json: envelope.payload)
        #expect(statement == InTotoStatement.cosignSign(digest: image.digest, annotations: ["env": "prod"]))
        #expect(String(decoding: envelope.payload, as: UTF8.self).contains(#""annotations":{"env":"prod"}"#))
    }

    @Test func aSingleImageLayoutIsMarkedForCosign() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        try signer.sign([image], in: store.layout, options: SigningOptions())
        let index = try store.index
        #expect(index.manifests.filter { $0.cosignKind == .image }.map(\.digest) == [image.digest])
        let signatures = index.manifests.filter { $0.cosignKind == .signatures }
        #expect(signatures.map(\.refName) == [SignatureImage.tag(for: image.digest)])
        let referrers = index.manifests.filter { $0.artifactType == MediaType.sigstoreBundleV03 }
        #expect(referrers.count == 1)
        #expect(referrers[0].annotations == nil)
        #expect(try store.layout.resolve(.soleImage).digest == image.digest)
    }

    @Test func severalImagesGetTagsButNoKind() throws {
        let store = try TestLayout()
        let first = try store.addImage("one", tag: "one")
        let second = try store.addImage("two", tag: "two")
        let results = try signer.sign([first, second], in: store.layout, options: SigningOptions(formats: [.legacy]))
        #expect(results.map(\.dockerReference) == ["registry.example/one", "registry.example/two"])
        let index = try store.index
        #expect(index.manifests.allSatisfy { $0.cosignKind == nil })
        #expect(index.entries(taggedAs: SignatureImage.tag(for: first.digest)).count == 1)
        #expect(index.entries(taggedAs: SignatureImage.tag(for: second.digest)).count == 1)
    }

    @Test func reSigningAppendsAndAnIdenticalSignatureIsNotAddedTwice() throws {
        let store = try TestLayout()
        let image = try store.addImage("app")
        let first = try signer.sign([image], in: store.layout, options: SigningOptions())
        let again = try signer.sign([image], in: store.layout, options: SigningOptions())
        #expect(again[0].legacy == .alreadyPresent(try #require(first[0].legacy?.digest)))
        #expect(again[0].bundle == .alreadyPresent(try #require(first[0].bundle?.digest)))
        #expect(try legacySignatures(of: image.digest, in: store).count == 1)

        let annotated = try signer.sign([image], in: store.layout, options: SigningOptions(annotations: ["n": "2"]))
        guard case .added = annotated[0].legacy, case .added = annotated[0].bundle else {
            Issue.record("a different payload was not added: \(annotated)"); return
        }
        let otherKey = try ImageSigner(key: PrivateKey.generateP256())
        let byOther = try otherKey.sign([image], in: store.layout, options: SigningOptions())
        guard case .added = byOther[0].legacy else { Issue.record("another key's signature was not added"); return }
        #expect(try legacySignatures(of: image.digest, in: store).count == 3)
        let index = try store.index
        #expect((index.signatureImages[image.digest] ?? []).count == 1)
        #expect(index.manifests.filter { $0.artifactType == MediaType.sigstoreBundleV03 }.count == 3)
        #expect(index.manifests.filter { $0.cosignKind == .signatures }.count == 1)
    }

    @Test func multiPlatformSignsTheIndexAndRecursiveEveryPlatform() throws {
        let store = try TestLayout()
        let image = try store.addMultiPlatformImage("multi")
        let plain = try signer.sign([image.index], in: store.layout, options: SigningOptions(formats: [.legacy]))
        #expect(plain.map(\.descriptor.digest) == [image.index.digest])
        #expect(try store.index.cosignImageEntry?.cosignKind == .imageIndex)

        let recursive = try signer.sign([image.index], in: store.layout, options: SigningOptions(formats: [.legacy], recursive: true))
        #expect(recursive.map(\.descriptor.digest) == [image.index.digest] + image.platforms.map(\.digest))
        #expect(recursive.dropFirst().map { $0.descriptor.platform?.description } == ["linux/amd64", "linux/arm64"])
        #expect(recursive.allSatisfy { $0.dockerReference == "registry.example/multi" })
        for platform in image.platforms {
            let signatures = try legacySignatures(of: platform.digest, in: store)
            #expect(try signatures.map { try SimpleSigningPayload(json: $0.payload).manifestDigest } == [platform.digest.description])
        }
        #expect(try store.index.manifests.filter { $0.cosignKind == .signatures }.map(\.refName) == [SignatureImage.tag(for: image.index.digest)])
    }

    @Test func cosignSaveSignaturesAreAppendedTo() throws {
        let store = try TestLayout()
        let image = try store.storeImage("saved")
        let old = SignatureImage(layers: [SignatureLayer(payload: Data("old payload".utf8), signature: Data([9]))])
        try store.layout.addBlob(Data("old payload".utf8))
        try store.layout.addBlob(old.configBytes)
        let sigs = try store.layout.storeManifest(old.manifestBytes, mediaType: MediaType.ociManifest)
        var saved = ImageIndex()
        saved.manifests = [
            Descriptor(mediaType: image.mediaType, digest: image.digest, size: image.size, annotations: [AnnotationKey.cosignKind: CosignLayoutKind.image.rawValue]),
            Descriptor(mediaType: sigs.mediaType, digest: sigs.digest, size: sigs.size, annotations: [AnnotationKey.cosignKind: CosignLayoutKind.signatures.rawValue]),
        ]
        try store.writeIndex(saved)
        let resolved = try store.layout.resolve(.soleImage)
        try signer.sign([resolved], in: store.layout, options: SigningOptions(formats: [.legacy], dockerReference: "ubuntu"))
        let index = try store.index
        let entries = (index.signatureImages[image.digest] ?? [])
        #expect(entries.count == 1)
        #expect(entries.first?.cosignKind == .signatures)
        #expect(entries.first?.refName == SignatureImage.tag(for: image.digest))
        let signatures = try legacySignatures(of: image.digest, in: store)
        #expect(signatures.count == 2)
        #expect(try SimpleSigningPayload(json: signatures[1].payload).dockerReference == "index.docker.io/library/ubuntu")
    }

    @Test func withoutANameTheSignerSaysHowToGiveOne() throws {
        let store = try TestLayout()
        let image = try store.storeImage("anonymous")
        #expect(throws: CosignError("cannot tell which repository \(image.digest) belongs to: pass --reference REGISTRY/REPOSITORY or annotate its index.json entry with io.airlock.image.name")) {
            try signer.sign([image], in: store.layout, options: SigningOptions())
        }
        #expect(try store.index.manifests.isEmpty)
    }

    @Test func ed25519KeysSignImagesWithEd25519ph() throws {
        let ed25519 = try KitKeys.generateEd25519()
        let store = try TestLayout()
        let image = try store.addImage("ed")
        try ImageSigner(key: ed25519).sign([image], in: store.layout, options: SigningOptions(formats: [.legacy]))
        let signature = try #require(try legacySignatures(of: image.digest, in: store).first)
        #expect(ed25519.publicKey.isValidSignature(signature.signature, for: signature.payload, scheme: .ed25519ph))
        #expect(!ed25519.publicKey.isValidSignature(signature.signature, for: signature.payload, scheme: .ed25519))
    }
}
