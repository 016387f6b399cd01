import AirlockCrypto
import Foundation
import OCI
import Testing
@testable import Transfer

/// pack → unpack round trips, determinism, multi-image and multi-platform tarballs, merges
/// and delta packs.
@Suite struct PackUnpackTests {
    /// A layout with a two-platform image carrying a signature image, an attestation image,
    /// a listed bundle referrer, a blob-only bundle referrer and a signature on one platform.
    static func signedLayout(at url: URL, tag: String = "v1", seed: UInt64 = 1) throws -> (LayoutFixture, Descriptor) {
        let fixture = try LayoutFixture(at: url)
        let image = try fixture.addMultiPlatformImage(tag: tag, seed: seed)
        try fixture.addSignatures(for: image, count: 2)
        try fixture.addAttestations(for: image)
        try fixture.addBundleReferrer(for: image, listed: true, seed: 1)
        try fixture.addBundleReferrer(for: image, listed: false, seed: 2)
        let amd64 = try #require(try fixture.layout.readManifest(image).document.indexChildren.first)
        try fixture.addSignatures(for: amd64)
        return (fixture, image)
    }

    private func pack(_ images: [String], to url: URL, compression: ArchiveCompression = .none, skip: Inventory? = nil,
                      trust: [TrustMaterialFile] = []) throws -> PackResult {
        try Packer().pack(PackRequest(images: try images.map(LayoutReference.init(parsing:)), output: url, compression: compression,
                                      trustMaterial: trust, skipBlobs: skip))
    }

    private func tarEntries(_ url: URL) throws -> [String] {
        let reader = try TarReader(path: url.path)
        var names: [String] = []
        while let header = try reader.nextHeader() { names.append(header.name) }
        return names
    }

    @Test func roundTripKeepsEveryPlatformAndAttachment() throws {
        let directory = try TestDirectory()
        let (source, image) = try Self.signedLayout(at: directory.path("source"))
        let tarball = directory.path("out.tar")
        let packed = try pack([source.url.path + ":v1"], to: tarball)
        #expect(packed.contents.images.count == 1)
        #expect(packed.contents.images[0].platforms.map(\.platform) == ["linux/amd64", "linux/arm64"])
        #expect(packed.contents.attachments.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.attestations, .referrer, .referrer, .signatures, .signatures])

        let destination = directory.path("dest")
        let result = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination))
        #expect(result.createdLayout)
        let layout = try OCILayout.open(at: destination)
        let verification = try LayoutVerifier(layout: layout).verify()
        #expect(verification.passed, "\(verification.problems)")
        #expect(verification.unreachable.isEmpty)

        let unpacked = try ImageCatalog(layout: layout).images()
        #expect(unpacked.map(\.digest) == [image.digest])
        let original = try ImageCatalog(layout: source.layout).entry(for: image)
        #expect(Set(unpacked[0].attachments.map(\.descriptor.digest)) == Set(original.attachments.map(\.descriptor.digest)))
        let blobOnly = unpacked[0].attachments.filter { !$0.isListedInIndex }
        #expect(blobOnly.count == 1, "the cosign-save style referrer stays a blob only")
        #expect(!FileManager.default.fileExists(atPath: destination.appendingPathComponent("airlock").path))
        #expect(try directory.contents() == ["dest", "out.tar", "source"], "no staging directory is left")
    }

    @Test(arguments: ArchiveCompression.allCases)
    func sameInputsGiveByteIdenticalTarballs(_ compression: ArchiveCompression) throws {
        let directory = try TestDirectory()
        let (source, _) = try Self.signedLayout(at: directory.path("source"))
        try FileManager.default.copyItem(at: source.url, to: directory.path("copy"))
        let policy = directory.path("policy.yaml")
        try Data("rules:\n  - name: all\n".utf8).write(to: policy)
        let trust = [TrustMaterialFile(kind: .policy, url: policy)]
        _ = try pack([source.url.path + ":v1"], to: directory.path("a"), compression: compression, trust: trust)
        _ = try pack([directory.path("copy").path + ":v1"], to: directory.path("b"), compression: compression, trust: trust)
        let first = try Data(contentsOf: directory.path("a"))
        #expect(first == (try Data(contentsOf: directory.path("b"))))
        #expect(try Inspector().inspect(archive: directory.path("a")).images.count == 1)
    }

    @Test func smallEntriesComeFirstAndInspectStopsBeforeLayers() throws {
        let directory = try TestDirectory()
        let (source, _) = try Self.signedLayout(at: directory.path("source"))
        let tarball = directory.path("out.tar")
        let packed = try pack([source.url.path], to: tarball)
        let names = try tarEntries(tarball)
        #expect(Array(names.prefix(4)) == ["oci-layout", "index.json", "airlock/", "airlock/contents.json"])
        let sections = Dictionary(uniqueKeysWithValues: packed.contents.blobs.map { ("blobs/\($0.digest.replacingOccurrences(of: ":", with: "/"))", $0.section) })
        let blobSections = names.compactMap { sections[$0] }
        #expect(blobSections.count == packed.contents.blobs.count)
        #expect(blobSections == blobSections.sorted { $0 == .metadata && $1 == .content }, "metadata before content")
        #expect(blobSections.contains(.content))
        let report = try Inspector().inspect(archive: tarball)
        #expect(report.stoppedBeforeContent)
        #expect(report.images.first?.attachments.count == 5)
    }

    @Test func multiImageTarballFromSeveralLayouts() throws {
        let directory = try TestDirectory()
        let (first, firstImage) = try Self.signedLayout(at: directory.path("one"), tag: "one", seed: 1)
        let second = try LayoutFixture(at: directory.path("two"))
        let secondImage = try second.addImage(tag: "two", seed: 99)
        try second.markSaved(secondImage)
        try second.addSignatures(for: secondImage, kindOnly: true)
        let tarball = directory.path("both.tar.zst")
        let packed = try pack([first.url.path + ":one", second.url.path], to: tarball, compression: .zstd)
        #expect(packed.contents.images.map(\.reference) == ["one", "two"])

        let destination = directory.path("dest")
        _ = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination))
        let layout = try OCILayout.open(at: destination)
        let index = try layout.readIndex()
        #expect(!index.manifests.contains { $0.annotation(AnnotationKey.cosignKind) != nil }, "kind dropped with several images")
        let images = try ImageCatalog(layout: layout).images()
        #expect(images.map(\.digest) == [firstImage.digest, secondImage.digest])
        #expect(images[1].attachments.map(\.kind) == [.signatures], "the kind-only signature keeps its image through its tag")
        #expect(try LayoutVerifier(layout: layout).verify().passed)
    }

    @Test func cosignSaveLayoutKeepsItsKindsWhenAlone() throws {
        let directory = try TestDirectory()
        let fixture = try LayoutFixture(at: directory.path("saved"))
        let image = try fixture.addImage(tag: nil, seed: 5)
        try fixture.markSaved(image)
        try fixture.addSignatures(for: image, kindOnly: true)
        try fixture.addBundleReferrer(for: image)
        let tarball = directory.path("saved.tar")
        _ = try pack([fixture.url.path], to: tarball)
        let destination = directory.path("dest")
        _ = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination))
        let index = try OCILayout.open(at: destination).readIndex()
        #expect(index.manifests.map(\.cosignKind) == [.image, .signatures])
        #expect(index.manifests[1].refName == "sha256-\(image.digest.hex).sig")
        let again = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination))
        #expect(again.indexEntriesAdded == 0)
        #expect(try OCILayout.open(at: destination).readIndex() == index)
    }

    @Test func mergeKeepsExistingEntriesAndDoesNotDuplicateBlobs() throws {
        let directory = try TestDirectory()
        let (source, image) = try Self.signedLayout(at: directory.path("source"))
        let tarball = directory.path("out.tar")
        _ = try pack([source.url.path], to: tarball)
        let destination = try LayoutFixture(at: directory.path("dest"))
        let resident = try destination.addImage(tag: "resident", seed: 42)
        let before = try destination.layout.readIndex().manifests

        let first = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination.url))
        #expect(!first.createdLayout && first.blobsAdded > 0 && first.blobsAlreadyPresent == 0)
        let merged = try destination.layout.readIndex().manifests
        #expect(Array(merged.prefix(before.count)) == before)
        #expect(merged.contains { $0.digest == image.digest && $0.refName == "v1" })
        #expect(try ImageCatalog(layout: destination.layout).images().map(\.digest) == [resident.digest, image.digest])

        let again = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination.url))
        #expect(again.blobsAdded == 0 && again.indexEntriesAdded == 0 && again.blobsAlreadyPresent == first.blobsAdded)
        #expect(try destination.layout.readIndex().manifests == merged)
        #expect(try LayoutVerifier(layout: destination.layout).verify().passed)
    }

    @Test func tagConflictIsRefusedUnlessForced() throws {
        let directory = try TestDirectory()
        let (source, image) = try Self.signedLayout(at: directory.path("source"))
        let tarball = directory.path("out.tar")
        _ = try pack([source.url.path], to: tarball)
        let destination = try LayoutFixture(at: directory.path("dest"))
        try destination.addImage(tag: "v1", seed: 42)
        // As another tool would leave it: no lock file, no temporary directory.
        try FileManager.default.removeItem(at: destination.url.appendingPathComponent(OCILayout.lockFileName))
        try? FileManager.default.removeItem(at: destination.url.appendingPathComponent(OCILayout.temporaryDirectoryName))
        let before = try treeDigest(destination.url)
        let error = #expect(throws: TransferError.self) {
            try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination.url))
        }
        #expect(error?.kind == .conflict && error?.message.contains("tag v1") == true)
        #expect(try treeDigest(destination.url) == before)
        _ = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination.url, force: true))
        #expect(try destination.layout.resolve(.tag("v1")).digest == image.digest)
    }

    @Test func deltaPackLeavesOutBlobsTheDestinationHas() throws {
        let directory = try TestDirectory()
        let base = try LayoutFixture(at: directory.path("source"))
        let v1 = try base.addImage(tag: "v1", layerSizes: [200_000, 300_000], seed: 7)
        let full = directory.path("v1.tar")
        _ = try pack([base.url.path + ":v1"], to: full)
        let destination = directory.path("dest")
        _ = try Unpacker().unpack(UnpackRequest(archive: full, destination: destination))

        // v2 shares v1's first layer (same seed for layer 0) and adds a new one.
        let v2 = try base.addImage(tag: "v2", layerSizes: [200_000, 50_000], seed: 7)
        #expect(v2.digest != v1.digest)
        let inventory = try Inventory(layout: try OCILayout.open(at: destination))
        let delta = directory.path("v2.tar")
        let packed = try pack([base.url.path + ":v2"], to: delta, skip: inventory)
        let skipped = packed.contents.blobs.filter { $0.skipped != nil }
        #expect(skipped.count == 1 && skipped[0].skipped == "present at destination" && skipped[0].role == "layer")
        #expect(try tarEntries(delta).contains("blobs/sha256/\(skipped[0].digest.dropFirst(7))") == false)

        let result = try Unpacker().unpack(UnpackRequest(archive: delta, destination: destination))
        #expect(result.blobsAdded == 2, "the manifest and the second layer; config and first layer are v1's")
        let layout = try OCILayout.open(at: destination)
        #expect(try LayoutVerifier(layout: layout).verify().passed)
        #expect(try layout.resolve(.tag("v2")).digest == v2.digest)

        let error = #expect(throws: TransferError.self) {
            try Unpacker().unpack(UnpackRequest(archive: delta, destination: directory.path("fresh")))
        }
        #expect(error?.message.contains("neither in the archive nor in the destination") == true)
        #expect(!FileManager.default.fileExists(atPath: directory.path("fresh").path))
    }

    @Test func corruptSourceBlobStopsThePack() throws {
        let directory = try TestDirectory()
        let fixture = try LayoutFixture(at: directory.path("source"))
        let image = try fixture.addImage(tag: "v1", layerSizes: [100_000], seed: 3)
        let layer = try #require(try fixture.layout.readManifest(image).document.imageLayers.first)
        let handle = try FileHandle(forUpdating: fixture.layout.blobURL(layer.digest))
        try handle.seek(toOffset: 50_000)
        handle.write(Data([0xff, 0x00, 0xff]))
        try handle.close()
        let output = directory.path("out.tar")
        let error = #expect(throws: TransferError.self) { try pack([fixture.url.path], to: output) }
        #expect(error?.message.contains("corrupt") == true && error?.message.contains(layer.digest.description) == true)
        #expect(try directory.contents() == ["source"], "no tarball and no temporary file")
    }

    @Test func trustMaterialIsCarriedCheckedAndNotInstalled() throws {
        let directory = try TestDirectory()
        let fixture = try LayoutFixture(at: directory.path("source"))
        try fixture.addImage(tag: "v1", seed: 3)
        let key = directory.path("cosign.pub")
        try Data(try PrivateKey.generateP256().publicKey.pem.utf8).write(to: key)
        let root = directory.path("trusted_root.json")
        try Data(#"{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[]}"#.utf8).write(to: root)
        let policy = directory.path("policy.yaml")
        try Data("apiVersion: v1\nimages:\n  - glob: \"**\"\n".utf8).write(to: policy)
        let trust = [TrustMaterialFile(kind: .key, url: key), TrustMaterialFile(kind: .trustedRoot, url: root), TrustMaterialFile(kind: .policy, url: policy)]
        let tarball = directory.path("out.tgz")
        let packed = try pack([fixture.url.path], to: tarball, compression: .gzip, trust: trust)
        #expect(packed.contents.trustMaterial.map(\.path) == ["airlock/keys/cosign.pub", "airlock/policies/policy.yaml", "airlock/trusted-roots/trusted_root.json"])

        final class Recorder: ArrivalCheck {
            var seen: [TrustMaterialKind: [String]] = [:]
            func check(staged: OCILayout, images: [ImageEntry], archiveTrustMaterial: ArchiveTrustMaterial) throws -> ArrivalReport {
                seen = archiveTrustMaterial.files.mapValues { $0.map(\.lastPathComponent) }
                #expect(try Data(contentsOf: try #require(archiveTrustMaterial.files[.key]?.first)).count > 0)
                return ArrivalReport(check: "recorder", verdicts: images.map { .init(image: $0.digest, tag: $0.tag, passed: true, reason: "ok") })
            }
        }
        let recorder = Recorder()
        let destination = directory.path("dest")
        _ = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination, checks: [recorder]))
        #expect(recorder.seen == [.key: ["cosign.pub"], .trustedRoot: ["trusted_root.json"], .policy: ["policy.yaml"]])
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination.path).sorted() == ["blobs", "index.json", "oci-layout"])
        #expect(try Inspector().inspect(archive: tarball).trustMaterial.count == 3)

        try Data("rules: [unclosed\n".utf8).write(to: policy)
        let error = #expect(throws: TransferError.self) { try pack([fixture.url.path], to: directory.path("bad.tar"), trust: trust) }
        #expect(error?.message.contains("not valid YAML") == true)
        try Data("not a key".utf8).write(to: key)
        #expect(throws: TransferError.self) { try pack([fixture.url.path], to: directory.path("bad.tar"), trust: [trust[0]]) }
    }

    @Test func aPolicyOfNestedAliasesIsCheckedWithoutExpandingThem() throws {
        let directory = try TestDirectory()
        let fixture = try LayoutFixture(at: directory.path("source"))
        try fixture.addImage(tag: "v1", seed: 4)
        // Nine levels of ten aliases each: 10^9 nodes once expanded, a few hundred bytes as written.
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...8 {
            lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        let policy = directory.path("laughs.yaml")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: policy)
        let packed = try pack([fixture.url.path], to: directory.path("out.tar"), trust: [TrustMaterialFile(kind: .policy, url: policy)])
        #expect(packed.contents.trustMaterial.map(\.path) == ["airlock/policies/laughs.yaml"])
    }

    @Test func requiredSignaturesAndFailedChecksLeaveTheDestinationAlone() throws {
        let directory = try TestDirectory()
        let unsigned = try LayoutFixture(at: directory.path("unsigned"))
        try unsigned.addImage(tag: "bare", seed: 11)
        let (signed, _) = try Self.signedLayout(at: directory.path("signed"), tag: "good")
        let tarball = directory.path("mixed.tar")
        _ = try pack([signed.url.path + ":good", unsigned.url.path], to: tarball)
        let destination = try LayoutFixture(at: directory.path("dest"))
        try destination.addImage(tag: "resident", seed: 1)
        let before = try treeDigest(destination.url)
        let error = #expect(throws: TransferError.self) {
            try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination.url, checks: [SignaturePresenceCheck()]))
        }
        #expect(error?.kind == .rejected && error?.message.contains("bare") == true)
        #expect(try treeDigest(destination.url) == before)
        let signedOnly = directory.path("signed.tar")
        _ = try pack([signed.url.path], to: signedOnly)
        let result = try Unpacker().unpack(UnpackRequest(archive: signedOnly, destination: destination.url, checks: [SignaturePresenceCheck()]))
        #expect(result.reports.first?.passed == true)
    }

    @Test func inventoryListsStoredBlobs() throws {
        let directory = try TestDirectory()
        let fixture = try LayoutFixture(at: directory.path("l"))
        try fixture.addImage(tag: "v1", layerSizes: [10, 20], seed: 1)
        let inventory = try Inventory(layout: fixture.layout)
        #expect(inventory.blobs.count == 4)
        #expect(inventory.blobs.map(\.digest) == inventory.blobs.map(\.digest).sorted())
        let file = directory.path("have.json")
        try inventory.encoded().write(to: file)
        #expect(try Inventory(contentsOf: file) == inventory)
    }
}

extension ManifestDocument {
    var indexChildren: [Descriptor] {
        if case .index(let index) = self { return index.manifests }
        return []
    }

    var imageLayers: [Descriptor] {
        if case .image(let manifest) = self { return manifest.layers }
        return []
    }
}

@Suite struct StagingPlacementTests {
    /// A destination on another file system than its parent (here: a symlink to an empty
    /// directory on /dev/shm) is staged inside itself, then filled with index.json last.
    @Test func emptyDestinationOnAnotherFileSystem() throws {
        var shm = stat(), tmp = stat()
        guard stat("/dev/shm", &shm) == 0, stat(FileManager.default.temporaryDirectory.path, &tmp) == 0, shm.st_dev != tmp.st_dev else { return }
        let directory = try TestDirectory()
        let fixture = try LayoutFixture(at: directory.path("source"))
        let image = try fixture.addImage(tag: "v1", seed: 9)
        let tarball = directory.path("out.tar")
        _ = try Packer().pack(PackRequest(images: [try LayoutReference(parsing: fixture.url.path)], output: tarball, compression: .none))
        let target = URL(fileURLWithPath: "/dev/shm/airlock-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: target) }
        let destination = directory.path("dest")
        try FileManager.default.createSymbolicLink(at: destination, withDestinationURL: target)

        let result = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination))
        #expect(result.createdLayout)
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path).sorted() == ["blobs", "index.json", "oci-layout"])
        let layout = try OCILayout.open(at: target)
        #expect(try layout.resolve(.tag("v1")).digest == image.digest)
        #expect(try LayoutVerifier(layout: layout).verify().passed)
        #expect(try directory.contents() == ["dest", "out.tar", "source"])
    }
}
