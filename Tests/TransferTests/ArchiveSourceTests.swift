import AirlockCrypto
import Foundation
import OCI
import Testing
@testable import Transfer

/// Tarballs as pack sources: airlock's own (or skopeo's oci-archive) and classic `docker save`.
@Suite struct ArchiveSourceTests {
    @Test func packingFromAnAirlockTarballGivesTheSameTarball() throws {
        let directory = try TestDirectory()
        let (source, _) = try PackUnpackTests.signedLayout(at: directory.path("source"))
        let first = directory.path("first.tar")
        _ = try Packer().pack(PackRequest(images: [try LayoutReference(parsing: source.url.path + ":v1")], output: first, compression: .none))
        let second = directory.path("second.tar")
        _ = try Packer().pack(PackRequest(images: [try LayoutReference(parsing: first.path + ":v1")], output: second, compression: .none))
        #expect(try Data(contentsOf: first) == (try Data(contentsOf: second)))
        #expect(try directory.contents() == ["first.tar", "second.tar", "source"])
    }

    /// A classic `docker save` archive of two images sharing a layer, the shared layer of
    /// the second written as a symlink to the first's, as docker does; `editManifest` may
    /// change its `manifest.json`.
    static func dockerSave(layerA: Data, layerB: Data, editManifest: (Data) -> Data = { $0 }) throws -> TarFixture {
        let idA = String(repeating: "a", count: 64), idB = String(repeating: "b", count: 64), idC = String(repeating: "c", count: 64)
        func config(_ layers: [Data]) -> Data {
            let diffs = layers.map { "\"\(Digest.of($0))\"" }.joined(separator: ",")
            return Data(#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[\#(diffs)]}}"#.utf8)
        }
        let configOne = config([layerA]), configTwo = config([layerA, layerB])
        let manifest = """
        [{"Config":"\(Digest.of(configOne).hex).json","RepoTags":["example.com/one:1.0"],"Layers":["\(idA)/layer.tar"]},
         {"Config":"\(Digest.of(configTwo).hex).json","RepoTags":["example.com/two:2.0","example.com/two:latest"],"Layers":["\(idC)/layer.tar","\(idB)/layer.tar"]}]
        """
        var tar = TarFixture()
        for id in [idA, idB, idC] {
            tar.add("\(id)/", type: .directory)
            tar.addFile("\(id)/VERSION", "1.0")
            tar.addFile("\(id)/json", "{}")
        }
        tar.add("\(idA)/layer.tar", layerA)
        tar.add("\(idB)/layer.tar", layerB)
        tar.add("\(idC)/layer.tar", type: .symbolicLink, link: "../\(idA)/layer.tar")
        tar.add("\(Digest.of(configOne).hex).json", configOne)
        tar.add("\(Digest.of(configTwo).hex).json", configTwo)
        tar.add("manifest.json", editManifest(Data(manifest.utf8)))
        tar.addFile("repositories", #"{"example.com/one":{"1.0":"x"}}"#)
        tar.end()
        return tar
    }

    @Test func classicDockerSaveBecomesAnOCIImage() throws {
        let directory = try TestDirectory()
        let layerA = LayoutFixture.bytes(20_000, seed: 1), layerB = LayoutFixture.bytes(30_000, seed: 2)
        let docker = directory.path("docker.tar")
        try Self.dockerSave(layerA: layerA, layerB: layerB).write(to: docker)
        let tarball = directory.path("out.tar")
        let packed = try Packer().pack(PackRequest(images: [try LayoutReference(parsing: docker.path + ":2.0")], output: tarball, compression: .none))
        #expect(packed.contents.images.map(\.reference) == ["2.0"])
        #expect(packed.contents.images.map(\.imageName) == ["example.com/two"])

        let destination = directory.path("dest")
        _ = try Unpacker().unpack(UnpackRequest(archive: tarball, destination: destination))
        let layout = try OCILayout.open(at: destination)
        #expect(try LayoutVerifier(layout: layout).verify().passed)
        let manifest = try layout.readManifest(try layout.resolve(.tag("2.0")))
        guard case .image(let image) = manifest.document else { Issue.record("not an image manifest"); return }
        #expect(image.layers.map(\.digest) == [Digest.of(layerA), Digest.of(layerB)], "layer digests equal the config's diff_ids")
        #expect(image.layers.allSatisfy { $0.mediaType == MediaType.ociLayer })
        let platform = try ImageCatalog(layout: layout).images().first?.platforms.first?.platform
        #expect(platform?.description == "linux/amd64")
    }

    @Test func dockerSaveWithoutATagNeedsOne() throws {
        let directory = try TestDirectory()
        let docker = directory.path("docker.tar")
        try Self.dockerSave(layerA: Data("a".utf8), layerB: Data("b".utf8)).write(to: docker)
        #expect(throws: OCIError.self) {
            try Packer().pack(PackRequest(images: [try LayoutReference(parsing: docker.path)], output: directory.path("x.tar"), compression: .none))
        }
    }

    @Test func dockerSaveLinksThatLeaveTheArchiveAreRefused() throws {
        let directory = try TestDirectory()
        let id = String(repeating: "d", count: 64)
        var tar = TarFixture()
        tar.add("\(id)/layer.tar", type: .symbolicLink, link: "/etc/shadow")
        tar.addFile("manifest.json", "[]")
        tar.end()
        let docker = directory.path("docker.tar")
        try tar.write(to: docker)
        let error = #expect(throws: TransferError.self) {
            try Packer().pack(PackRequest(images: [try LayoutReference(parsing: docker.path)], output: directory.path("x.tar"), compression: .none))
        }
        #expect(error?.message.contains("\(id)/layer.tar") == true && error?.message.contains("symbolic link") == true)
    }

    /// Docker 25 and later write an OCI layout plus `manifest.json` and `repositories`.
    @Test func modernDockerSaveIsReadAsALayoutButIsNoUnpackInput() throws {
        let directory = try TestDirectory()
        let image = UnpackHostileTests.Image()
        var tar = try image.archive(end: false) { image.addBlobs(&$0) }
        tar.addFile("manifest.json", #"[{"Config":"blobs/sha256/x","RepoTags":["hostile:latest"],"Layers":[]}]"#)
        tar.addFile("repositories", "{}")
        tar.end()
        let docker = directory.path("docker.tar")
        try tar.write(to: docker)
        let packed = try Packer().pack(PackRequest(images: [try LayoutReference(parsing: docker.path + ":hostile")],
                                                   output: directory.path("out.tar"), compression: .none))
        #expect(packed.contents.blobs.count == 3)
        let error = #expect(throws: TransferError.self) {
            try Unpacker().unpack(UnpackRequest(archive: docker, destination: directory.path("dest")))
        }
        #expect(error?.message.contains("\"manifest.json\"") == true)
    }
}
