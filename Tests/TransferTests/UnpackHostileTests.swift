import AirlockCrypto
import Foundation
import OCI
import Testing
@testable import Transfer

/// Hostile tarballs through the whole unpack: each is refused with the entry (or blob) named,
/// and the destination — an existing layout, or a path that does not exist yet — is left
/// byte-identical, with no staging directory left behind.
@Suite struct UnpackHostileTests {
    /// A minimal valid image: manifest → config + one layer.
    struct Image {
        var layer = Data("layer bytes of a tiny image".utf8)
        let config = Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
        var layerDescriptor: Descriptor { Descriptor(mediaType: MediaType.ociLayerGzip, content: layer) }
        var configDescriptor: Descriptor { Descriptor(mediaType: MediaType.ociConfig, content: config) }

        func manifest(layerSize: Int64? = nil) throws -> Data {
            var layer = layerDescriptor
            if let layerSize { layer.size = layerSize }
            return try ImageManifest(config: configDescriptor, layers: [layer]).encoded()
        }

        static func name(_ data: Data) -> String { "blobs/sha256/\(Digest.of(data).hex)" }

        /// oci-layout, index.json and the manifest, then whatever `body` adds (normally the
        /// config and layer, see `addBlobs`), then the end blocks.
        func archive(manifest: Data? = nil, end: Bool = true, _ body: (inout TarFixture) throws -> Void) throws -> TarFixture {
            let manifest = try manifest ?? self.manifest()
            var tar = TarFixture()
            tar.addFile("oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
            let entry = Descriptor(mediaType: MediaType.ociManifest, content: manifest, annotations: [AnnotationKey.refName: "hostile"])
            tar.add("index.json", try ImageIndex(manifests: [entry]).encoded())
            tar.add(Self.name(manifest), manifest)
            try body(&tar)
            if end { tar.end() }
            return tar
        }

        func addBlobs(_ tar: inout TarFixture) {
            tar.add(Self.name(config), config)
            tar.add(Self.name(layer), layer)
        }
    }

    let image = Image()

    /// Unpacks `tar` into a fresh directory holding a resident layout and into a path that
    /// does not exist; both must be refused and left as they were. Returns the error.
    @discardableResult
    private func expectRefused(_ tar: TarFixture, naming name: String, saying words: String, gzip: Bool = false,
                               sourceLocation: SourceLocation = #_sourceLocation) throws -> TransferError? {
        let directory = try TestDirectory()
        let input = directory.path("in.tar")
        try (gzip ? try run("/bin/gzip", ["-n", "-c"], input: tar.bytes) : tar.bytes).write(to: input)
        let resident = try LayoutFixture(at: directory.path("dest"))
        try resident.addImage(tag: "resident", seed: 1)
        let before = try treeDigest(resident.url)
        var last: TransferError?
        for destination in [resident.url, directory.path("absent")] {
            do {
                _ = try Unpacker().unpack(UnpackRequest(archive: input, destination: destination))
                Issue.record("the archive was accepted into \(destination.lastPathComponent)", sourceLocation: sourceLocation)
            } catch let error as TransferError {
                #expect(error.message.contains(name), "\(error.message) names \(name)", sourceLocation: sourceLocation)
                #expect(error.message.contains(words), "\(error.message) says \(words)", sourceLocation: sourceLocation)
                last = error
            }
        }
        #expect(try treeDigest(resident.url) == before, "destination unchanged", sourceLocation: sourceLocation)
        #expect(try directory.contents() == ["dest", "in.tar"], "nothing else created", sourceLocation: sourceLocation)
        return last
    }

    @Test func theValidBaseIsAccepted() throws {
        let directory = try TestDirectory()
        let input = directory.path("in.tar")
        try image.archive { image.addBlobs(&$0) }.write(to: input)
        let result = try Unpacker().unpack(UnpackRequest(archive: input, destination: directory.path("dest")))
        #expect(result.blobsAdded == 3)
        #expect(try LayoutVerifier(layout: try OCILayout.open(at: directory.path("dest"))).verify().passed)
    }

    @Test func pathTraversal() throws {
        try expectRefused(try image.archive { image.addBlobs(&$0); $0.addFile("blobs/../../escaped", "x") },
                          naming: "blobs/../../escaped", saying: "path traversal")
    }

    @Test func absolutePath() throws {
        try expectRefused(try image.archive { image.addBlobs(&$0); $0.addFile("/tmp/airlock-escaped", "x") },
                          naming: "/tmp/airlock-escaped", saying: "absolute path")
    }

    @Test func symbolicAndHardLinks() throws {
        let layerName = Image.name(image.layer)
        try expectRefused(try image.archive { tar in
            tar.add(Image.name(image.config), image.config)
            tar.add(layerName, type: .symbolicLink, link: "/etc/passwd")
        }, naming: layerName, saying: "symbolic link")
        try expectRefused(try image.archive { tar in
            tar.add(Image.name(image.config), image.config)
            tar.add(layerName, type: .hardLink, link: "index.json")
        }, naming: layerName, saying: "hard link")
    }

    @Test func devices() throws {
        try expectRefused(try image.archive { image.addBlobs(&$0); $0.add("airlock/null", type: .characterDevice) },
                          naming: "airlock/null", saying: "character device")
    }

    @Test func headerSizeLargerThanData() throws {
        let layerName = Image.name(image.layer)
        try expectRefused(try image.archive { tar in
            tar.add(Image.name(image.config), image.config)
            tar.add(layerName, image.layer, declaredSize: 4096)
        }, naming: layerName, saying: "is \(4096) bytes but the layout declares")
        // Declared nowhere yet (layer before its manifest): caught by the remaining-size check.
        var tar = TarFixture()
        tar.add(layerName, image.layer, declaredSize: 1 << 20)
        tar.end()
        try expectRefused(tar, naming: layerName, saying: "of the archive follow")
    }

    @Test func truncatedArchive() throws {
        var large = Image()
        large.layer = LayoutFixture.bytes(8192, seed: 5)
        var tar = try large.archive(end: false) { large.addBlobs(&$0) }
        tar.truncate(by: 3000)
        try expectRefused(tar, naming: Image.name(large.layer), saying: "of the archive follow")
        // Cut inside a header: named as the place after the last whole entry.
        var cut = try image.archive(end: false) { image.addBlobs(&$0) }
        cut.truncate(by: 800)
        try expectRefused(cut, naming: "after entry \"\(Image.name(image.config))\"", saying: "Truncated tar archive")
    }

    @Test func blobWhoseContentDoesNotMatchItsName() throws {
        let layerName = Image.name(image.layer)
        var forged = image.layer
        forged[0] ^= 0xff
        try expectRefused(try image.archive { tar in
            tar.add(Image.name(image.config), image.config)
            tar.add(layerName, forged)
        }, naming: layerName, saying: "does not match its digest")
    }

    @Test func missingBlob() throws {
        try expectRefused(try image.archive { $0.add(Image.name(image.config), image.config) },
                          naming: Digest.of(image.layer).description, saying: "neither in the archive nor in the destination")
    }

    @Test func sizeBeyondTheDeclaredDescriptor() throws {
        // The manifest declares the layer one byte short; the layer itself is genuine.
        let manifest = try image.manifest(layerSize: Int64(image.layer.count - 1))
        try expectRefused(try image.archive(manifest: manifest) { image.addBlobs(&$0) },
                          naming: Image.name(image.layer), saying: "but the layout declares \(image.layer.count - 1)")
        // The same with the layer first, before anything declares it: found by the review.
        var tar = TarFixture()
        tar.add(Image.name(image.layer), image.layer)
        tar.addFile("oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
        tar.add(Image.name(image.config), image.config)
        tar.add(Image.name(manifest), manifest)
        tar.add("index.json", try ImageIndex(manifests: [Descriptor(mediaType: MediaType.ociManifest, content: manifest)]).encoded())
        tar.end()
        try expectRefused(tar, naming: Image.name(image.layer), saying: "its descriptor says \(image.layer.count - 1)")
    }

    @Test func unexpectedExtraFileAndUnreferencedBlob() throws {
        try expectRefused(try image.archive { image.addBlobs(&$0); $0.addFile("README.txt", "hello") },
                          naming: "README.txt", saying: "unexpected file")
        let stray = Data("a blob nothing refers to".utf8)
        try expectRefused(try image.archive { image.addBlobs(&$0); $0.add(Image.name(stray), stray) },
                          naming: Image.name(stray), saying: "not referenced")
    }

    @Test func duplicateEntry() throws {
        try expectRefused(try image.archive { image.addBlobs(&$0); $0.add("./" + Image.name(image.layer), image.layer) },
                          naming: "./" + Image.name(image.layer), saying: "duplicate entry")
    }

    @Test func tenGiBSparseSizeHeader() throws {
        let layerName = Image.name(image.layer)
        let tenGiB: Int64 = 10 << 30
        let start = Date()
        // After its manifest: held to the declared size at its header.
        let declared = try image.archive(end: false) { tar in
            tar.add(Image.name(image.config), image.config)
            tar.add(layerName, Data(count: 512), declaredSize: tenGiB, pad: false)
        }
        try expectRefused(declared, naming: layerName, saying: "is \(tenGiB) bytes but the layout declares")
        // First in the archive: more than the whole (uncompressed) archive holds.
        var first = TarFixture()
        first.add(layerName, Data(count: 512), declaredSize: tenGiB, pad: false)
        try expectRefused(first, naming: layerName, saying: "declares 10.0 GiB but only")
        // Compressed, the size cannot be compared with the file: the data runs out first.
        try expectRefused(first, naming: layerName, saying: "truncated", gzip: true)
        #expect(Date().timeIntervalSince(start) < 30, "refused without writing 10 GiB")
    }

    @Test func notALayoutTarball() throws {
        var tar = TarFixture()
        tar.add(Image.name(image.layer), image.layer)
        tar.end()
        try expectRefused(tar, naming: "oci-layout", saying: "not an OCI image layout tarball")
    }
}
