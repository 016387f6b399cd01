import AirlockCrypto
import Foundation
import OCI
import Testing
@testable import Transfer

/// Hostile tarballs that try to slip an unchecked manifest past the arrival checks by
/// dressing it as an attachment of a signed image (`IndexClassification`): each is refused,
/// with the entry named, and the destination — a signed layout, or a path that does not
/// exist yet — is left byte-identical. Legitimate attachments still arrive.
@Suite struct ArrivalRuleTests {
    /// A layout holding a "signed" image `v1` (a `.sig` image and a listed bundle referrer:
    /// enough for the presence check), to which a test adds one disguised entry.
    struct Source {
        let directory: TestDirectory
        let fixture: LayoutFixture
        let image: Descriptor

        init(directory: TestDirectory, saved: Bool = false) throws {
            self.directory = directory
            fixture = try LayoutFixture(at: directory.path("source"))
            image = try fixture.addImage(tag: "v1", seed: 11)
            try fixture.addSignatures(for: image, kindOnly: saved)
            try fixture.addBundleReferrer(for: image, listed: true)
            if saved { try fixture.markSaved(image) }
        }

        var layout: OCILayout { fixture.layout }

        /// Stores an unsigned, runnable image manifest (OCI config, a tar+gzip layer) with
        /// `subject`, not listed in `index.json`.
        func storeUnsigned(subject: Descriptor? = nil) throws -> Descriptor {
            let layer = LayoutFixture.bytes(5000, seed: 666)
            let config = Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"evil":true}"#.utf8)
            try layout.addBlob(layer)
            try layout.addBlob(config)
            let manifest = try ImageManifest(config: Descriptor(mediaType: MediaType.ociConfig, content: config),
                                             layers: [Descriptor(mediaType: MediaType.ociLayerGzip, content: layer)], subject: subject).encoded()
            return try layout.storeManifest(manifest, mediaType: MediaType.ociManifest)
        }

        /// Lists `descriptor` in `index.json` with `annotations`, as they are.
        func list(_ descriptor: Descriptor, _ annotations: [String: String]) throws {
            var entry = descriptor
            entry.annotations = annotations.isEmpty ? nil : annotations
            try layout.updateIndex { $0.manifests.append(entry) }
        }

        /// The layout as a tarball: `oci-layout`, `index.json`, every blob.
        func tarball() throws -> URL {
            var tar = TarFixture()
            tar.addFile("oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
            tar.add("index.json", try Data(contentsOf: layout.directory.appendingPathComponent("index.json")))
            for blob in try layout.storedBlobs() {
                tar.add(blob.relativePath, try Data(contentsOf: layout.directory.appendingPathComponent(blob.relativePath)))
            }
            tar.end()
            let url = directory.path("in.tar")
            try tar.write(to: url)
            return url
        }
    }

    static let fakeDigest = Digest.of(Data("no such manifest".utf8))

    /// Unpacks `source`'s tarball with the presence check into a signed layout and into a path
    /// that does not exist: both are refused naming `name` and saying `words`, and neither
    /// destination changes.
    private func expectRefused(_ source: Source, naming name: String, saying words: String,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let tarball = try source.tarball()
        let resident = try LayoutFixture(at: source.directory.path("dest"))
        let residentImage = try resident.addImage(tag: "resident", seed: 1)
        try resident.addSignatures(for: residentImage)
        let before = try treeDigest(resident.url)
        for destination in [resident.url, source.directory.path("absent")] {
            do {
                _ = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination, checks: [SignaturePresenceCheck()]))
                Issue.record("the archive was accepted into \(destination.lastPathComponent)", sourceLocation: sourceLocation)
            } catch let error as TransferError {
                #expect(error.kind == .rejected, "\(error.message)", sourceLocation: sourceLocation)
                #expect(error.message.contains(name), "\(error.message) names \(name)", sourceLocation: sourceLocation)
                #expect(error.message.contains(words), "\(error.message) says \(words)", sourceLocation: sourceLocation)
            }
        }
        #expect(try treeDigest(resident.url) == before, "destination unchanged", sourceLocation: sourceLocation)
        #expect(try source.directory.contents() == ["dest", "in.tar", "source"], "nothing else created", sourceLocation: sourceLocation)
    }

    // MARK: - A subject

    @Test func unsignedManifestWithAFakeSubjectIsAnImageAndChecked() throws {
        let source = try Source(directory: try TestDirectory())
        let evil = try source.storeUnsigned(subject: Descriptor(mediaType: MediaType.ociManifest, digest: Self.fakeDigest, size: 100))
        try source.list(evil, [AnnotationKey.refName: "v1-evil"])
        try expectRefused(source, naming: "v1-evil", saying: "no signature")
    }

    @Test func runnableManifestWhoseSubjectIsTheImageIsAnImageAndChecked() throws {
        let source = try Source(directory: try TestDirectory())
        try source.list(try source.storeUnsigned(subject: source.image), [:])
        try expectRefused(source, naming: "arrival check", saying: "no signature")
    }

    @Test func referrerOfTheImageThatCarriesATagIsRefused() throws {
        let source = try Source(directory: try TestDirectory())
        let referrer = try source.fixture.addBundleReferrer(for: source.image, seed: 2)
        try source.list(referrer, [AnnotationKey.refName: "v1-evil"])
        try expectRefused(source, naming: "v1-evil", saying: "may carry no tag but its cosign tag")
    }

    // MARK: - A cosign kind

    @Test(arguments: [CosignLayoutKind.signatures, .attestations])
    func attachmentKindWithoutAnImageKindIsRefused(_ kind: CosignLayoutKind) throws {
        let source = try Source(directory: try TestDirectory())
        try source.list(try source.storeUnsigned(), [AnnotationKey.cosignKind: kind.rawValue])
        try expectRefused(source, naming: "index.json entry", saying: "kind=\(kind.rawValue) but the layout has no kind=")
    }

    @Test func attachmentKindWithAnotherTagIsRefused() throws {
        let source = try Source(directory: try TestDirectory(), saved: true)
        try source.list(try source.storeUnsigned(), [AnnotationKey.cosignKind: CosignLayoutKind.signatures.rawValue, AnnotationKey.refName: "v1-evil"])
        try expectRefused(source, naming: "v1-evil", saying: "may carry no tag but its cosign tag")
    }

    @Test func unsignedManifestAsTheSavedImagesSignaturesIsRefused() throws {
        let source = try Source(directory: try TestDirectory(), saved: true)
        try source.list(try source.storeUnsigned(), [AnnotationKey.cosignKind: CosignLayoutKind.signatures.rawValue])
        try expectRefused(source, naming: "index.json entry", saying: "not one of a signature image")
    }

    // MARK: - A cosign tag

    /// Refused whether the tag names no image of the archive, or the signed image itself (the
    /// manifest then has the wrong shape).
    @Test(arguments: [".sig", ".att", ".sbom", ""], [false, true])
    func cosignTagOnAnUnsignedManifestIsRefused(_ suffix: String, namingTheImage: Bool) throws {
        let source = try Source(directory: try TestDirectory())
        let tag = "sha256-\((namingTheImage ? source.image.digest : Self.fakeDigest).hex)\(suffix)"
        try source.list(try source.storeUnsigned(), [AnnotationKey.refName: tag])
        try expectRefused(source, naming: tag,
                          saying: namingTheImage ? "tagged \(tag), but" : "neither an image of the layout nor a platform manifest of one")
    }

    @Test func entryThatIsNotAManifestIsRefused() throws {
        let source = try Source(directory: try TestDirectory())
        let layer = LayoutFixture.bytes(3000, seed: 667)
        try source.layout.addBlob(layer)
        try source.list(Descriptor(mediaType: MediaType.ociLayerGzip, content: layer), [AnnotationKey.refName: "v1-evil"])
        try expectRefused(source, naming: "v1-evil", saying: "is not a manifest or an index")
    }

    // MARK: - No image

    @Test func archiveOfNoImageIsRefusedWhenChecked() throws {
        let directory = try TestDirectory()
        var tar = TarFixture()
        tar.addFile("oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
        tar.add("index.json", try ImageIndex(manifests: []).encoded())
        tar.end()
        let input = directory.path("empty.tar")
        try tar.write(to: input)
        let resident = try LayoutFixture(at: directory.path("dest"))
        try resident.addImage(tag: "resident", seed: 1)
        let before = try treeDigest(resident.url)
        let error = #expect(throws: TransferError.self) {
            try Unpacker().unpack(UnpackRequest(archive: input, destination: resident.url, checks: [SignaturePresenceCheck()]))
        }
        #expect(error?.message.contains("the tarball holds no image") == true, "\(String(describing: error))")
        #expect(try treeDigest(resident.url) == before)
        let unchecked = try Unpacker().unpack(UnpackRequest(archive: input, destination: resident.url))
        #expect(unchecked.images.isEmpty && unchecked.indexEntriesAdded == 0)
    }

    // MARK: - What is allowed, and inspect

    @Test func legitimateAttachmentsArrive() throws {
        let directory = try TestDirectory()
        let fixture = try LayoutFixture(at: directory.path("source"))
        let image = try fixture.addMultiPlatformImage(tag: "v2", seed: 21)
        try fixture.addSignatures(for: image)
        try fixture.addAttestations(for: image)
        guard case .index(let index) = try fixture.layout.readManifest(image).document else { throw CocoaError(.fileReadCorruptFile) }
        let platform = index.manifests[0]
        try fixture.addSignatures(for: platform)
        let referrer = try fixture.addBundleReferrer(for: platform, listed: false, seed: 3)
        let referrersIndex = try ImageIndex(manifests: [referrer]).encoded()
        try fixture.layout.addManifest(referrersIndex, mediaType: MediaType.ociIndex,
                                       annotations: [AnnotationKey.refName: "sha256-\(platform.digest.hex)"])
        let source = Source(directory: directory, fixture: fixture, image: image)
        let result = try Unpacker().unpack(UnpackRequest(archive: try source.tarball(), destination: directory.path("dest"),
                                                         checks: [SignaturePresenceCheck()]))
        #expect(result.images.map(\.digest) == [image.digest])
        #expect(result.images[0].attachments.filter(\.isListedInIndex).count == 4)
        #expect(result.indexEntriesAdded == 5)
    }

    @Test func inspectListsUnattachedEntries() throws {
        let source = try Source(directory: try TestDirectory())
        let tag = "sha256-\(Self.fakeDigest.hex).sig"
        let evil = try source.storeUnsigned()
        try source.list(evil, [AnnotationKey.refName: tag])
        let tarball = try source.tarball()
        let plain = try Inspector().inspect(archive: tarball)
        #expect(plain.images.map(\.digest) == [source.image.digest])
        #expect(plain.unattached.map(\.descriptor.digest) == [evil.digest])
        #expect(plain.unattached.first?.reason.contains("tagged \(tag)") == true)
        let checked = try Inspector().inspect(archive: tarball, checks: [SignaturePresenceCheck()])
        #expect(checked.reports.allSatisfy { $0.passed }, "the image itself is signed")
        #expect(checked.arrivalRefusal?.contains(tag) == true)
    }
}

/// `pack` writes only what `unpack` accepts: attachments carry their cosign tag and no other,
/// `kind` annotations stay only beside their `kind=…/image`, and an attachment cannot be packed
/// as an image.
@Suite struct PackArrivalRuleTests {
    private func pack(_ reference: String, to tarball: URL) throws {
        _ = try Packer().pack(PackRequest(images: [try LayoutReference(parsing: reference)], output: tarball, compression: .none))
    }

    /// Unpacks `tarball` with the presence check into a new layout and returns its `index.json`.
    private func arrive(_ tarball: URL, in directory: TestDirectory) throws -> ImageIndex {
        #expect(try Inspector().inspect(archive: tarball).unattached.isEmpty)
        let destination = directory.path("dest")
        _ = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination, checks: [SignaturePresenceCheck()]))
        return try OCILayout.open(at: destination).readIndex()
    }

    @Test func savedImagePackedThroughAnEntryWithoutItsKindDropsTheKinds() throws {
        let directory = try TestDirectory()
        let source = try ArrivalRuleTests.Source(directory: directory, saved: true)
        try source.list(source.image, [AnnotationKey.refName: "plain"])
        let tarball = directory.path("out.tar")
        try pack(source.layout.directory.path + ":plain", to: tarball)
        let index = try arrive(tarball, in: directory)
        #expect(!index.manifests.contains { $0.annotation(AnnotationKey.cosignKind) != nil })
        #expect(index.manifests.compactMap(\.refName) == ["plain", "sha256-\(source.image.digest.hex).sig"])
    }

    @Test func attachmentIsNotPackedAsAnImage() throws {
        let directory = try TestDirectory()
        let source = try ArrivalRuleTests.Source(directory: directory)
        let tag = "sha256-\(source.image.digest.hex).sig"
        let error = #expect(throws: TransferError.self) { try pack(source.layout.directory.path + ":" + tag, to: directory.path("out.tar")) }
        #expect(error?.message.contains("cosign's tag for an attachment") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: directory.path("out.tar").path))
    }

    @Test func taggedReferrerIsPackedWithoutItsTag() throws {
        let directory = try TestDirectory()
        let fixture = try LayoutFixture(at: directory.path("source"))
        let image = try fixture.addImage(tag: "v1", seed: 31)
        let referrer = try fixture.addBundleReferrer(for: image, seed: 4)
        try fixture.layout.updateIndex { $0.manifests.append(Descriptor(mediaType: referrer.mediaType, digest: referrer.digest, size: referrer.size,
                                                                         annotations: [AnnotationKey.refName: "bundle-v1"])) }
        #expect(try ImageCatalog(layout: fixture.layout).unattached.map(\.descriptor.digest) == [referrer.digest])
        let tarball = directory.path("out.tar")
        try pack(fixture.url.path + ":v1", to: tarball)
        let index = try arrive(tarball, in: directory)
        #expect(index.manifests.compactMap(\.refName) == ["v1"])
        let arrived = try ImageCatalog(layout: try OCILayout.open(at: directory.path("dest"))).images()
        #expect(arrived.first?.attachments.map(\.descriptor.digest) == [referrer.digest], "the referrer arrives as a blob")
    }
}

extension ArrivalRuleTests.Source {
    init(directory: TestDirectory, fixture: LayoutFixture, image: Descriptor) {
        self.directory = directory
        self.fixture = fixture
        self.image = image
    }
}
