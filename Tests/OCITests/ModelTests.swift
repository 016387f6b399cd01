import AirlockCrypto
import Foundation
import Testing
import OCI

@Suite("Descriptors, manifests and indexes")
struct ModelTests {
    let digest = sha256("blob")

    func descriptorJSON(digest: String? = nil, size: String = "12", extra: String = "") -> Data {
        Data(#"{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\#(digest ?? self.digest.description)","size":\#(size)\#(extra)}"#.utf8)
    }

    @Test func descriptorDecodesAllFields() throws {
        let json = descriptorJSON(extra: #","annotations":{"a":"b"},"platform":{"os":"linux","architecture":"arm64","variant":"v8","os.version":"1"},"artifactType":"application/vnd.example.t","urls":["https://x"],"data":"aGk=""#)
        let descriptor = try JSONDecoder().decode(Descriptor.self, from: json)
        #expect(descriptor.digest == digest)
        #expect(descriptor.size == 12)
        #expect(descriptor.annotations == ["a": "b"])
        #expect(descriptor.platform == Platform(os: "linux", architecture: "arm64", variant: "v8", osVersion: "1"))
        #expect(descriptor.platform?.description == "linux/arm64/v8")
        #expect(descriptor.artifactType == "application/vnd.example.t")
        #expect(descriptor.urls == ["https://x"])
        #expect(descriptor.data == Data("hi".utf8))
    }

    @Test func descriptorOfWrongTypeIsAnError() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Descriptor.self, from: descriptorJSON(size: #""12""#)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Descriptor.self, from: descriptorJSON(extra: #","annotations":{"a":1}"#)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Descriptor.self, from: descriptorJSON(size: "-1")) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Descriptor.self, from: descriptorJSON(size: "12.5")) }
    }

    @Test func descriptorDigestMustParse() {
        for bad in ["sha256:../../x", "md5:0123", "sha256:" + String(repeating: "A", count: 64), "nocolon", "sha256:abc"] {
            #expect(throws: DecodingError.self, "\(bad)") { try JSONDecoder().decode(Descriptor.self, from: descriptorJSON(digest: bad)) }
        }
    }

    @Test func malformedManifestGivesOneLineNamingTheField() {
        let json = Data(#"{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:zz","size":1},"layers":[]}"#.utf8)
        let error = #expect(throws: OCIError.self) { try ImageManifest.decode(json) }
        #expect(error?.kind == .malformed)
        #expect(error?.message.contains("config.digest") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test func manifestRequiresSchemaVersion2AndLayers() {
        let config = #"{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(digest)","size":1}"#
        #expect(throws: OCIError.self) { try ImageManifest.decode(Data(#"{"schemaVersion":1,"config":\#(config),"layers":[]}"#.utf8)) }
        #expect(throws: OCIError.self) { try ImageManifest.decode(Data(#"{"schemaVersion":2,"config":\#(config)}"#.utf8)) }
        #expect(throws: OCIError.self) { try ImageManifest.decode(Data(#"{"schemaVersion":2,"config":\#(config),"layers":{}}"#.utf8)) }
        #expect(throws: OCIError.self) { try ImageManifest.decode(Data("[]".utf8)) }
    }

    @Test func dockerV2ManifestAndListDecode() throws {
        let manifestJSON = """
        {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
         "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 1469, "digest": "\(digest)"},
         "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": 2814446, "digest": "\(digest)"}]}
        """
        let manifest = try ManifestDocument.parse(Data(manifestJSON.utf8), mediaType: MediaType.dockerManifest)
        guard case .image(let image) = manifest else { Issue.record("not an image"); return }
        #expect(image.layers.first?.size == 2_814_446)
        let listJSON = """
        {"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
         "manifests": [{"mediaType": "application/vnd.docker.distribution.manifest.v2+json", "size": 528, "digest": "\(digest)",
                        "platform": {"architecture": "arm", "os": "linux", "variant": "v7", "features": ["sse4"]}}]}
        """
        let list = try ManifestDocument.parse(Data(listJSON.utf8), mediaType: nil)
        guard case .index(let index) = list else { Issue.record("not an index"); return }
        #expect(index.manifests.first?.platform?.variant == "v7")
        #expect(index.manifests.first?.platform?.features == ["sse4"])
    }

    @Test func mediaTypeInsideMustAgreeWithDescriptor() {
        let json = Data(#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#.utf8)
        let error = #expect(throws: OCIError.self) { try ManifestDocument.parse(json, mediaType: MediaType.ociManifest) }
        #expect(error?.kind == .malformed)
    }

    @Test func dockerSchema1IsRefused() {
        let json = Data(#"{"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"}"#.utf8)
        let error = #expect(throws: OCIError.self) { try ManifestDocument.parse(json, mediaType: nil) }
        #expect(error?.kind == .unsupported)
    }

    @Test func mediaTypesFollowRFC6838() {
        for good in [MediaType.ociManifest, MediaType.dockerLayerGzip, "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                     "text/plain; charset=utf-8", "application/vnd.dev.sigstore.bundle+json;version=0.2", #"a/b; x="quoted \" ok""#,
                     "a/" + String(repeating: "b", count: 127)] {
            #expect(MediaType.isWellFormed(good), "\(good)")
        }
        for bad in ["", "application", "application/", "/json", "application/json/x", "application/vnd.x\n  ACCEPT", "application/x\u{1B}[2J",
                    "application/x\u{85}", "application/x\u{2028}", "application/ json", "application/jsön", ".a/b", "a/b;", "a/b; x=",
                    #"a/b; x="open"#, "a/b; x=\"tab\there\"", "a/" + String(repeating: "b", count: 128)] {
            #expect(!MediaType.isWellFormed(bad), "\(bad.debugDescription)")
        }
    }

    @Test func controlCharactersInMediaTypesMakeDocumentsMalformed() {
        let layer = #"{"mediaType":"application/vnd.oci.image.layer.v1.tar\n  ACCEPT","digest":"\#(digest)","size":1}"#
        let config = #"{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(digest)","size":1}"#
        let documents = [
            #"{"schemaVersion":2,"config":\#(config),"layers":[\#(layer)]}"#,
            #"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json\u001b","config":\#(config),"layers":[]}"#,
            #"{"schemaVersion":2,"artifactType":"application/x\r","config":\#(config),"layers":[]}"#,
            #"{"schemaVersion":2,"manifests":[\#(layer)]}"#,
        ]
        for document in documents {
            let error = #expect(throws: OCIError.self, "\(document)") { try ManifestDocument.parse(Data(document.utf8), mediaType: nil) }
            #expect(error?.kind == .malformed)
            #expect(error?.message.contains("is not a media type") == true, "\(error?.message ?? "")")
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Descriptor.self, from: descriptorJSON(extra: #","artifactType":"application/x\u2028""#))
        }
    }

    @Test func descriptorCountIsLimited() {
        let one = #"{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\#(digest)","size":1}"#
        let many = Array(repeating: one, count: OCILimits.maxDescriptors + 1).joined(separator: ",")
        let error = #expect(throws: OCIError.self) { try ImageIndex.decode(Data(#"{"schemaVersion":2,"manifests":[\#(many)]}"#.utf8)) }
        #expect(error?.message.contains("over the limit") == true)
    }

    @Test func documentSizeIsLimited() {
        let padding = String(repeating: " ", count: OCILimits.maxManifestBytes)
        let error = #expect(throws: OCIError.self) { try ImageIndex.decode(Data(#"{"schemaVersion":2,"manifests":[]}\#(padding)"#.utf8)) }
        #expect(error?.kind == .refused)
    }

    @Test func encodingIsStableSortedAndRoundTrips() throws {
        let manifest = ImageManifest(config: Descriptor.emptyJSON,
                                     layers: [Descriptor(mediaType: MediaType.ociLayer, digest: digest, size: 5, annotations: ["z": "1", "a": "2"])],
                                     annotations: ["k": "v/w"])
        let bytes = try manifest.encoded()
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"annotations":{"k":"v/w"},"config":{"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","mediaType":"application/vnd.oci.empty.v1+json","size":2}"#))
        #expect(text.contains(#""annotations":{"a":"2","z":"1"}"#))
        #expect(try ImageManifest.decode(bytes) == manifest)
        #expect(try manifest.encoded() == bytes)
    }

    @Test func cosignSchemeTagsParse() {
        let bare = "sha256-\(digest.hex)"
        #expect(CosignSchemeTag(parsing: bare)?.digest == digest)
        #expect(CosignSchemeTag(parsing: bare)?.suffix == nil)
        #expect(CosignSchemeTag(parsing: bare + ".sig")?.suffix == .signatures)
        #expect(CosignSchemeTag(parsing: bare + ".att")?.suffix == .attestations)
        #expect(CosignSchemeTag(parsing: bare + ".sbom")?.digest == digest)
        #expect(CosignSchemeTag(parsing: bare + ".sbom")?.suffix == .sbom)
        for other in ["v1", "latest.sig", "sha256-\(digest.hex.dropLast()).sig", "sha256:\(digest.hex)", bare + ".sig.sig", bare + ".json"] {
            #expect(CosignSchemeTag(parsing: other) == nil, "\(other)")
        }
    }
}
