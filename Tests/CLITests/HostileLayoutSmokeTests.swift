import AirlockCrypto
import AirlockJSON
import Foundation
import InputMutation
import OCI
import Sigstore
import SigstoreTestKit
import Testing

/// Seeded mutations of signed layouts and of tarballs, run through the built binary
/// (`verify`, `layout verify`, `inspect`, `unpack`, `pack` from a tarball): every outcome obeys the rules of hostile
/// input (`SmokeRun`), and no mutation of signed content passes verification.
@Suite("Hostile layouts and tarballs")
struct HostileLayoutSmokeTests {
    static let seed: UInt64 = 0x4C41_594F_5554
    static let casesPerBase = 24
    static let tarballCases = 60

    /// A signed single-platform layout and the chain of blobs its signature consists of.
    struct Base: @unchecked Sendable {
        let name: String
        let fixture: SigningFixture
        let image: Digest
        /// The `.sig` manifest or the bundle referrer.
        let envelope: Digest
        /// The simple-signing payload or the bundle.
        let content: Digest
        /// `verify` arguments before the image.
        let verifyArguments: [String]
        /// Whether a verification may still pass with this envelope manifest.
        let envelopeMayPass: @Sendable (Data) -> Bool
        /// Whether a verification may still pass with this content.
        let contentMayPass: @Sendable (Data) -> Bool

        var surgery: LayoutSurgery { LayoutSurgery(directory: fixture.copy.url) }

        /// The image manifest, its config and layers, and the signature chain. A referrer stored
        /// only as a blob is left out: it is found by its `subject`, so once corrupt it is a
        /// stray blob to `layout verify` (a note, not a failure).
        func reachable() throws -> Set<Digest> {
            let manifest = try fixture.manifest(try fixture.layout.resolve(.digest(image)))
            let listed = try fixture.layout.readIndex().manifests.contains { $0.digest == envelope }
            return Set([image, content, manifest.config.digest] + manifest.layers.map(\.digest) + (listed ? [envelope] : []))
        }
    }

    static func legacyBase() throws -> Base {
        let fixture = try SigningFixture()
        try fixture.makeSinglePlatform()
        try #require(try fixture.run("sign", "--key", SigningFixture.exampleKey, "--format", "legacy", fixture.path + ":v1").status == 0)
        let envelope = try fixture.signatureEntry(of: SigningFixture.amd64Digest)
        let layer = try #require(try fixture.manifest(envelope).layers.first)
        let signature = try #require(layer.annotations?["dev.cosignproject.cosign/signature"].flatMap(Base64.decodeStandard))
        let payload = layer.digest.description
        return Base(name: "legacy", fixture: fixture, image: try Digest(parsing: SigningFixture.amd64Digest), envelope: envelope.digest,
                    content: layer.digest, verifyArguments: ["--key", SigningFixture.examplePub],
                    envelopeMayPass: { bytes in
                        // Only with the original payload and the same signature bytes.
                        let layers = (try? JSONValue.parse(bytes))?["layers"]?.arrayValue ?? []
                        return layers.contains { layer in
                            layer["digest"]?.stringValue == payload
                                && layer["annotations"]?["dev.cosignproject.cosign/signature"]?.stringValue
                                    .flatMap { Base64.decodeLenient($0.trimmingCharacters(in: .whitespacesAndNewlines)) } == signature
                        }
                    },
                    contentMayPass: { _ in false })
    }

    /// A base whose signature is a bundle referrer, signed with the example key or, keyless, by the kit.
    static func bundleBase(keyless: Bool) throws -> Base {
        let fixture: SigningFixture
        var arguments = ["--key", SigningFixture.examplePub]
        if keyless {
            fixture = try KeylessVerifyCommandTests.keylessSigned()
            arguments = LeafProfile.identityFlags + ["--trusted-root", fixture.scratch.path("trusted_root.json")]
        } else {
            fixture = try SigningFixture()
            try fixture.makeSinglePlatform()
            try #require(try fixture.run("sign", "--key", SigningFixture.exampleKey, "--format", "bundle", fixture.path + ":v1").status == 0)
        }
        let image = try fixture.layout.resolve(.tag("v1"))
        let referrer = try #require(try fixture.layout.referrers(of: image.digest).first)
        guard case .image(let manifest) = referrer.document, let layer = manifest.layers.first else { throw CocoaError(.fileReadCorruptFile) }
        let original = try SigstoreBundle(json: try fixture.layout.readBlob(layer, limit: 1 << 20))
        return Base(name: keyless ? "keyless bundle" : "bundle", fixture: fixture, image: image.digest, envelope: referrer.descriptor.digest,
                    content: layer.digest, verifyArguments: arguments,
                    envelopeMayPass: { bytes in
                        ((try? JSONValue.parse(bytes))?["layers"]?.arrayValue ?? []).contains { $0["digest"]?.stringValue == layer.digest.description }
                    },
                    contentMayPass: { bytes in
                        guard let mutated = try? SigstoreBundle(json: bytes) else { return false }
                        return SignedContent.changes(from: original, to: mutated).isEmpty
                    })
    }

    /// Mutated copies of `base`, each checked with `verify` and `layout verify`.
    static func cases(_ base: Base, count: Int, in scratch: ScratchDirectory, random: inout SplitMix64) throws -> [SmokeCase] {
        let environment = AirlockProcess.quietEnvironment(home: scratch.path("home"))
        let blobs = try base.surgery.blobs()
        let signed = [base.image, base.envelope, base.content]
        let reachable = try base.reachable()
        var cases = [SmokeCase(label: "\(base.name) unmutated", arguments: ["verify"] + base.verifyArguments + [base.fixture.path + ":v1"],
                               environment: environment, judge: { $0.status == 0 ? nil : "the unmutated layout must verify" })]
        for number in 0..<count {
            let directory = scratch.url.appendingPathComponent("\(base.name)-\(number)")
            try FileManager.default.copyItem(at: base.fixture.copy.url, to: directory)
            let surgery = LayoutSurgery(directory: directory)
            let what: String
            var verifyMayPass: @Sendable (AirlockProcess.Result) -> Bool = { _ in true }
            var layoutMayPass = true
            switch random.below(4) {
            case 0:
                let (bytes, mutation) = Mutation.json(try Data(contentsOf: surgery.indexURL), using: &random)
                try bytes.write(to: surgery.indexURL)
                what = "index.json: \(mutation)"
                let image = base.image.description
                verifyMayPass = { $0.stdoutText.contains(image) }
            case 1:
                let (bytes, mutation) = Mutation.json(try surgery.read(base.envelope), using: &random)
                try surgery.replace(base.envelope, with: bytes, parents: [])
                what = "signature manifest: \(mutation)"
                verifyMayPass = { _ in base.envelopeMayPass(bytes) }
            case 2:
                let (bytes, mutation) = Mutation.json(try surgery.read(base.content), using: &random)
                try surgery.replace(base.content, with: bytes, parents: [base.envelope])
                what = "signature content: \(mutation)"
                verifyMayPass = { _ in Digest.of(bytes) == base.content || base.contentMayPass(bytes) }
            default:
                let blob = random.pick(blobs)
                let (bytes, mutation) = Mutation.bytes(try surgery.read(blob), using: &random)
                try bytes.write(to: surgery.blobURL(blob))
                what = "blob \(blob) in place: \(mutation)"
                let changed = Digest.of(bytes) != blob
                verifyMayPass = { _ in !changed || !signed.contains(blob) }
                layoutMayPass = !changed || !reachable.contains(blob)
            }
            let output = number % 2 == 0 ? ["--output", "json"] : []
            let (verifyRule, layoutRule) = (verifyMayPass, layoutMayPass)
            cases.append(SmokeCase(label: "verify \(base.name) \(what)", arguments: ["verify"] + base.verifyArguments + output + [directory.path + ":v1"],
                                   environment: environment, judge: { result in
                result.status != 0 || verifyRule(result) ? nil : "verification passed although signed content changed"
            }))
            cases.append(SmokeCase(label: "layout verify \(base.name) \(what)", arguments: ["layout", "verify", directory.path] + output,
                                   environment: environment, judge: { result in
                result.status != 0 || layoutRule ? nil : "layout verify passed over a corrupt reachable blob"
            }))
            if number % 3 == 0 {
                cases.append(SmokeCase(label: "inspect \(base.name) \(what)", arguments: ["inspect", directory.path] + output
                    + (number % 2 == 0 ? base.verifyArguments : []), environment: environment))
            }
        }
        return cases
    }

    @Test("Mutated signed layouts: verify, layout verify and inspect")
    func layouts() throws {
        let scratch = try ScratchDirectory()
        var random = SmokeRun.random(Self.seed)
        var cases: [SmokeCase] = []
        for base in [try Self.legacyBase(), try Self.bundleBase(keyless: false), try Self.bundleBase(keyless: true)] {
            cases += try Self.cases(base, count: Self.casesPerBase * SmokeRun.scale, in: scratch, random: &random)
        }
        SmokeRun.run(cases, name: "hostile layouts")
    }

    // MARK: - Tarballs

    @Test("Mutated tarballs (plain, gzip, zstd): unpack, inspect and pack")
    func tarballs() throws {
        let scratch = try ScratchDirectory()
        let environment = AirlockProcess.quietEnvironment(home: scratch.path("home"))
        let base = try Self.legacyBase()
        let originalBlobs = Set(try base.surgery.blobs())
        var tarballs: [(name: String, bytes: Data)] = []
        for name in ["image.tar", "image.tar.gz", "image.tar.zst"] {
            try #require(try AirlockProcess.run(["pack", "--quiet", "-o", scratch.path(name), base.fixture.path + ":v1"]).status == 0)
            tarballs.append((name, try scratch.contents(name)))
        }
        var random = SmokeRun.random(Self.seed ^ 0x544152)
        var cases = [SmokeCase(label: "unpack unmutated", arguments: ["unpack", scratch.path("image.tar"), "-o", scratch.path("intact"),
                                                                       "--key", SigningFixture.examplePub],
                               environment: environment, judge: { $0.status == 0 ? nil : "the unmutated tarball must unpack" })]
        for number in 0..<Self.tarballCases * SmokeRun.scale {
            let tarball = random.pick(tarballs)
            let (bytes, mutation) = tarball.name == "image.tar" && random.below(2) == 0
                ? Mutation.tarHeader(tarball.bytes, using: &random) : Mutation.bytes(tarball.bytes, using: &random)
            let input = scratch.path("\(number)-\(tarball.name)")
            try bytes.write(to: URL(fileURLWithPath: input))
            let label = "\(tarball.name) \(mutation)"
            if number % 5 == 4 {
                cases.append(SmokeCase(label: "pack \(label)", arguments: ["pack", "--quiet", "-o", scratch.path("\(number)-repacked.tar"), input],
                                       environment: environment))
            } else if number % 2 == 0 {
                let output = scratch.path("\(number)-out")
                cases.append(SmokeCase(label: "unpack \(label)", arguments: ["unpack", input, "-o", output, "--key", SigningFixture.examplePub],
                                       environment: environment, judge: { result in
                    guard result.status == 0 else { return nil }
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: output + "/blobs/sha256")) ?? []
                    let foreign = names.filter { name in !originalBlobs.contains { $0.hex == name } }
                    return foreign.isEmpty ? nil : "unpack accepted blobs that were not packed: \(foreign)"
                }))
            } else {
                let options = [[], ["--output", "json"], ["--key", SigningFixture.examplePub]][number / 2 % 3]
                cases.append(SmokeCase(label: "inspect \(label)", arguments: ["inspect", input] + options, environment: environment))
            }
        }
        SmokeRun.run(cases, name: "hostile tarballs")
    }
}
