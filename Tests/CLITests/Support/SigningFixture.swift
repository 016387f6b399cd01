import AirlockCrypto
import Foundation
import OCI
import Testing

/// A private copy of Fixtures/example-layout plus the keys to sign it with, and the layout
/// surgery the negative tests need (through the OCI store API, not airlock's signer).
final class SigningFixture {
    static let password = "example-password"
    static let exampleKey = AirlockProcess.packageRoot.appendingPathComponent("keys-example/cosign.key").path
    static let examplePub = AirlockProcess.packageRoot.appendingPathComponent("keys-example/cosign.pub").path
    /// The example image (an index) and its two platform manifests.
    static let indexDigest = "sha256:21a286408f88b139b0de97db9875a289d42527d7c12787a95c9a92e86fd76101"
    static let amd64Digest = "sha256:84edaf017f9eebf7e2c24f159ef19e6932cac5f4ecbc3e5ea517cc11367defb7"
    static let arm64Digest = "sha256:cb5347b9a19aabcc84f1e46df8baa738890218891ea579923c84ecd9a9864a09"

    let copy: LayoutCommandTests.LayoutCopy
    let scratch: ScratchDirectory

    init() throws {
        copy = try LayoutCommandTests.LayoutCopy()
        scratch = try ScratchDirectory()
    }

    var path: String { copy.url.path }
    var layout: OCILayout { get throws { try copy.layout } }

    /// Runs airlock with the example password in `COSIGN_PASSWORD`.
    @discardableResult
    func run(_ arguments: String...) throws -> AirlockProcess.Result {
        try AirlockProcess.run(arguments, environment: ["COSIGN_PASSWORD": Self.password])
    }

    /// Makes the layout hold only the amd64 manifest, named and tagged `v1` (a single-platform image).
    func makeSinglePlatform() throws {
        let layout = try layout
        let amd64 = try layout.resolve(.digest(try Digest(parsing: Self.amd64Digest)))
        try layout.updateIndex { index in
            index.manifests = [Descriptor(mediaType: amd64.mediaType, digest: amd64.digest, size: amd64.size, annotations: [
                AnnotationKey.refName: "v1", AnnotationKey.imageName: "registry.example/demo/app",
            ])]
        }
    }

    /// A new key pair `NAME.key`/`NAME.pub` (example password) in the scratch directory.
    func generateKey(_ name: String) throws -> (key: String, pub: String) {
        let prefix = scratch.path(name)
        let outcome = try run("generate-key-pair", "--output-key-prefix", prefix)
        try #require(outcome.status == 0, "\(outcome)")
        return (prefix + ".key", prefix + ".pub")
    }

    /// The `index.json` entry holding the `.sig` image of `digest`.
    func signatureEntry(of digest: String) throws -> Descriptor {
        let tag = digest.replacingOccurrences(of: ":", with: "-") + ".sig"
        return try #require(try layout.readIndex().entries(taggedAs: tag).first, "no \(tag) in index.json")
    }

    func manifest(_ descriptor: Descriptor) throws -> ImageManifest {
        guard case .image(let manifest) = try layout.readManifest(descriptor).document else { throw CocoaError(.fileReadCorruptFile) }
        return manifest
    }

    /// Stores `bytes` as a manifest and points every `index.json` entry of `old` at it, in place
    /// (keeping the entries' annotations).
    @discardableResult
    func replace(_ old: Descriptor, withManifest bytes: Data, mediaType: String = MediaType.ociManifest) throws -> Descriptor {
        let layout = try layout
        let stored = try layout.storeManifest(bytes, mediaType: mediaType)
        try layout.updateIndex { index in
            for position in index.manifests.indices where index.manifests[position].digest == old.digest {
                index.manifests[position].digest = stored.digest
                index.manifests[position].size = stored.size
                index.manifests[position].mediaType = mediaType
            }
        }
        return stored
    }

    /// The bundle referrer entries listed in `index.json`.
    func referrerEntries() throws -> [Descriptor] {
        try layout.readIndex().manifests.filter { $0.artifactType == "application/vnd.dev.sigstore.bundle.v0.3+json" }
    }
}
