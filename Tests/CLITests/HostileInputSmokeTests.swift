import AirlockCrypto
import AirlockJSON
import Foundation
import InputMutation
import KeyFixtures
import Sigstore
import SigstoreTestKit
import Testing

/// Seeded mutations of bundles, signatures, certificates, trusted roots, key files and PEM
/// chains, run through the built binary (`verify-blob`, `public-key`, `import-key-pair`,
/// `trusted-root create`): every outcome obeys the rules of hostile input (`SmokeRun`), and no
/// mutation of a signed field (or of a key) is accepted.
@Suite("Hostile bundles, keys and PEMs")
struct HostileInputSmokeTests {
    static let seed: UInt64 = 0x424C_4F42_4B45_59
    static let conformanceIdentity = ["--certificate-identity", "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/"
        + ".github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
        "--certificate-oidc-issuer", "https://token.actions.githubusercontent.com"]

    /// The conformance cases beside the project (`../shared`, or `$SHARED`), when present.
    static let conformance: URL? = {
        let root = ProcessInfo.processInfo.environment["SHARED"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
            ?? AirlockProcess.packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
        let directory = root.appendingPathComponent("conformance")
        return FileManager.default.fileExists(atPath: directory.appendingPathComponent("production_trusted_root.json").path) ? directory : nil
    }()

    /// A bundle that verifies with `arguments` (which name the trusted root and signer).
    struct BlobBase {
        let name: String
        let bundle: Data
        let trustedRoot: Data
        let artifact: String
        /// Signer options (identity flags or `--key`), without the root and the bundle.
        let signer: [String]
    }

    static func bases(kit: PrivateSigstore, key: PrivateKey, in scratch: ScratchDirectory) throws -> [BlobBase] {
        let root = kit.trustedRoot.encoded()
        try key.publicKey.pem.write(toFile: scratch.path("key.pub"), atomically: true, encoding: .utf8)
        var bases: [BlobBase] = []
        for (name, recipe, signer) in [("message", BundleRecipe(), LeafProfile.identityFlags),
                                       ("dsse", BundleRecipe().dsse(), LeafProfile.identityFlags),
                                       ("key", BundleRecipe().signed(by: key), ["--key", scratch.path("key.pub")]),
                                       ("rekor2", BundleRecipe().log(.rekorV2).timestamped(), LeafProfile.identityFlags)] {
            let made = try kit.makeBundle(recipe)
            try made.artifact.write(to: scratch.url.appendingPathComponent("\(name).txt"))
            bases.append(BlobBase(name: name, bundle: made.json, trustedRoot: root, artifact: scratch.path("\(name).txt"), signer: signer))
        }
        guard let conformance = Self.conformance else { return bases }
        let cases = conformance.appendingPathComponent("assets/bundle-verify")
        let production = try Data(contentsOf: conformance.appendingPathComponent("production_trusted_root.json"))
        for name in ["happy-path-v0.3", "managed-key-happy-path", "rekor2-happy-path"] {
            let directory = cases.appendingPathComponent(name)
            let ownRoot = try? Data(contentsOf: directory.appendingPathComponent("trusted_root.json"))
            let keyFile = directory.appendingPathComponent("key.pub")
            let signer = FileManager.default.fileExists(atPath: keyFile.path) ? ["--key", keyFile.path] : conformanceIdentity
            bases.append(BlobBase(name: name, bundle: try Data(contentsOf: directory.appendingPathComponent("bundle.sigstore.json")),
                                  trustedRoot: ownRoot ?? production, artifact: cases.appendingPathComponent("a.txt").path, signer: signer))
        }
        return bases
    }

    @Test("Mutated bundles, trusted roots, detached signatures and certificates: verify-blob")
    func verifyBlob() throws {
        let scratch = try ScratchDirectory()
        let environment = AirlockProcess.quietEnvironment(home: scratch.path("home"))
        let kit = try PrivateSigstore()
        let key = try PrivateKey.generateP256()
        var random = SmokeRun.random(Self.seed)
        var cases: [SmokeCase] = []
        for base in try Self.bases(kit: kit, key: key, in: scratch) {
            let original = try SigstoreBundle(json: base.bundle)
            try base.bundle.write(to: scratch.url.appendingPathComponent("\(base.name).bundle"))
            try base.trustedRoot.write(to: scratch.url.appendingPathComponent("\(base.name).root"))
            let intact = ["--bundle", scratch.path("\(base.name).bundle"), "--trusted-root", scratch.path("\(base.name).root")]
            cases.append(SmokeCase(label: "verify-blob \(base.name) unmutated", arguments: ["verify-blob"] + base.signer + intact + [base.artifact],
                                   environment: environment, judge: { $0.status == 0 ? nil : "the unmutated bundle must verify" }))
            for number in 0..<14 * SmokeRun.scale {
                let file = scratch.path("\(base.name)-\(number)")
                let output = number % 3 == 0 ? ["--output", "json"] : []
                if number % 4 == 3 {
                    let (bytes, mutation) = Mutation.json(base.trustedRoot, using: &random)
                    try bytes.write(to: URL(fileURLWithPath: file))
                    cases.append(SmokeCase(label: "verify-blob \(base.name) trusted root: \(mutation)",
                                           arguments: ["verify-blob"] + base.signer + output + ["--bundle", scratch.path("\(base.name).bundle"),
                                                                                                "--trusted-root", file, base.artifact],
                                           environment: environment))
                    continue
                }
                let (bytes, mutation) = Mutation.json(base.bundle, using: &random)
                try bytes.write(to: URL(fileURLWithPath: file))
                cases.append(SmokeCase(label: "verify-blob \(base.name) bundle: \(mutation)",
                                       arguments: ["verify-blob"] + base.signer + output + ["--bundle", file, "--trusted-root",
                                                                                            scratch.path("\(base.name).root"), base.artifact],
                                       environment: environment, judge: { result in
                    guard result.status == 0 else { return nil }
                    guard let mutated = try? SigstoreBundle(json: bytes) else { return "a bundle airlock's parser refuses verified" }
                    let changed = SignedContent.changes(from: original, to: mutated)
                    return changed.isEmpty ? nil : "verified although signed fields changed: \(changed)"
                }))
            }
        }
        cases += try detachedCases(key: key, in: scratch, random: &random)
        // One batch of mutated kit bundles: a directory of NAME.sigstore.json beside NAME.
        let batch = scratch.url.appendingPathComponent("batch")
        try FileManager.default.createDirectory(at: batch, withIntermediateDirectories: true)
        let made = try kit.makeBundle()
        for number in 0..<20 {
            try made.artifact.write(to: batch.appendingPathComponent("a\(number)"))
            try Mutation.json(made.json, using: &random).0.write(to: batch.appendingPathComponent("a\(number).sigstore.json"))
        }
        cases.append(SmokeCase(label: "verify-blob --batch of 20 mutated bundles",
                               arguments: ["verify-blob"] + LeafProfile.identityFlags + ["--trusted-root", scratch.path("message.root"), "--batch", batch.path],
                               environment: environment))
        SmokeRun.run(cases, name: "hostile verify-blob")
    }

    /// `verify-blob --signature` with a mutated signature (key) or certificate (keyless, no log).
    func detachedCases(key: PrivateKey, in scratch: ScratchDirectory, random: inout SplitMix64) throws -> [SmokeCase] {
        let environment = AirlockProcess.quietEnvironment(home: scratch.path("home"))
        let artifact = Data("detached artifact\n".utf8)
        try artifact.write(to: scratch.url.appendingPathComponent("detached.txt"))
        let signature = try key.sign(artifact)
        // Without a log entry the certificate is checked at the current time: a kit signing now.
        var configuration = PrivateSigstore.Configuration()
        configuration.signingTime = Date()
        let current = try PrivateSigstore(configuration)
        try current.trustedRoot.encoded().write(to: scratch.url.appendingPathComponent("current.root"))
        let made = try current.makeBundle(BundleRecipe(artifact: artifact).log(.none).certificate { $0.lifetime = 3600 })
        let certificate = try #require(made.certificate)
        let keylessSignature = made.bundle.content.signature
        try Base64.encode(keylessSignature).write(toFile: scratch.path("keyless.sig"), atomically: true, encoding: .utf8)
        try Base64.encode(signature).write(toFile: scratch.path("key.sig"), atomically: true, encoding: .utf8)
        try certificate.pem.write(toFile: scratch.path("leaf.pem"), atomically: true, encoding: .utf8)
        let keyed = { (signature: String) in ["verify-blob", "--key", scratch.path("key.pub"), "--signature", signature, scratch.path("detached.txt")] }
        let certified = { (certificate: String) in
            ["verify-blob"] + LeafProfile.identityFlags + ["--insecure-ignore-tlog", "--trusted-root", scratch.path("current.root"),
                                                           "--certificate", certificate, "--signature", scratch.path("keyless.sig"), scratch.path("detached.txt")]
        }
        var cases = [keyed(scratch.path("key.sig")), certified(scratch.path("leaf.pem"))].map { arguments in
            SmokeCase(label: "verify-blob --signature unmutated", arguments: arguments, environment: environment,
                      judge: { $0.status == 0 ? nil : "the unmutated signature must verify" })
        }
        for number in 0..<16 * SmokeRun.scale {
            let file = scratch.path("detached-\(number)")
            if number % 2 == 0 {
                let (bytes, mutation) = Mutation.bytes(Data(Base64.encode(signature).utf8), using: &random)
                try bytes.write(to: URL(fileURLWithPath: file))
                cases.append(SmokeCase(label: "verify-blob --signature: \(mutation)", arguments: keyed(file),
                                       environment: environment, judge: { result in
                    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    let same = Base64.decodeLenient(text) == signature || bytes == signature
                    return result.status != 0 || same ? nil : "verified a changed signature"
                }))
            } else {
                let (bytes, mutation) = Mutation.pem(certificate.pem, using: &random)
                try bytes.write(to: URL(fileURLWithPath: file))
                cases.append(SmokeCase(label: "verify-blob --certificate: \(mutation)", arguments: certified(file),
                                       environment: environment, judge: { result in
                    let same = (try? Certificate(pem: String(decoding: bytes, as: UTF8.self)))?.der == certificate.der
                    return result.status != 0 || same ? nil : "verified with a changed certificate"
                }))
            }
        }
        return cases
    }

    @Test("Mutated key files: public-key and import-key-pair")
    func keys() throws {
        let scratch = try ScratchDirectory()
        let environment = AirlockProcess.quietEnvironment(home: scratch.path("home")).merging(["COSIGN_PASSWORD": SigningFixture.password]) { $1 }
        let cosignKey = try String(contentsOfFile: SigningFixture.exampleKey, encoding: .utf8)
        let publicKey = try String(contentsOfFile: SigningFixture.examplePub, encoding: .utf8)
        let imports = [try FixtureKey(.ec(curve: "P-256")).pkcs8PEM, try FixtureKey(.ec(curve: "P-384")).traditionalPEM,
                       try FixtureKey(.rsa(bits: 2048)).traditionalPEM, try FixtureKey(.ed25519).pkcs8PEM]
        var random = SmokeRun.random(Self.seed ^ 0x4B4559)
        var cases = [SmokeCase(label: "public-key unmutated", arguments: ["public-key", "--key", SigningFixture.exampleKey],
                               environment: environment, judge: { $0.stdoutText == publicKey ? nil : "the example key must give its public key" })]
        for number in 0..<40 * SmokeRun.scale {
            let file = scratch.path("key-\(number)")
            if number % 3 != 2 {
                let (bytes, mutation) = Mutation.pem(cosignKey, using: &random)
                try bytes.write(to: URL(fileURLWithPath: file))
                cases.append(SmokeCase(label: "public-key \(mutation)", arguments: ["public-key", "--key", file], environment: environment,
                                       judge: { result in
                    result.status != 0 || result.stdoutText == publicKey ? nil : "a changed key file gave another public key"
                }))
            } else {
                let (bytes, mutation) = Mutation.pem(random.pick(imports), using: &random)
                try bytes.write(to: URL(fileURLWithPath: file))
                cases.append(SmokeCase(label: "import-key-pair \(mutation)",
                                       arguments: ["import-key-pair", "--key", file, "--output-key-prefix", scratch.path("imported-\(number)")],
                                       environment: environment))
            }
        }
        SmokeRun.run(cases, name: "hostile keys")
    }

    @Test("Mutated PEM chains and keys: trusted-root create")
    func trustedRootCreate() throws {
        let scratch = try ScratchDirectory()
        let environment = AirlockProcess.quietEnvironment(home: scratch.path("home"))
        let kit = try PrivateSigstore()
        let inputs: [(option: String, pem: String, url: String?)] = [
            ("--fulcio-chain", kit.fulcioIntermediate.pem + kit.fulcioRoot.pem, nil),
            ("--rekor-key", kit.rekorV1.key.publicKey.pem, kit.configuration.rekorV1URL),
            ("--rekor-key", kit.rekorV2.key.publicKey.pem, kit.configuration.rekorV2URL),
            ("--ctlog-key", kit.ctLogKey.publicKey.pem, nil),
            ("--tsa-chain", kit.timestampAuthority.certificate.pem + kit.timestampAuthorityRoot.pem, nil),
        ]
        var random = SmokeRun.random(Self.seed ^ 0x524F4F54)
        var cases: [SmokeCase] = []
        for number in 0..<25 * SmokeRun.scale {
            let input = inputs[number % inputs.count]
            let (bytes, mutation) = Mutation.pem(input.pem, using: &random)
            let file = scratch.path("pem-\(number)")
            try bytes.write(to: URL(fileURLWithPath: file))
            let url = input.url.map { ["--rekor-url", $0] } ?? []
            cases.append(SmokeCase(label: "trusted-root create \(input.option) \(mutation)",
                                   arguments: ["trusted-root", "create", input.option, file] + url + ["-o", scratch.path("root-\(number).json")],
                                   environment: environment))
        }
        SmokeRun.run(cases, name: "hostile trusted-root create")
    }
}
