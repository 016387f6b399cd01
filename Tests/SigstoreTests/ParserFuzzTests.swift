import AirlockCrypto
import AirlockJSON
import Foundation
import Sigstore
import InputMutation
import SigstoreTestKit
import Testing

/// Seeded mutations of valid inputs fed to every parser of untrusted Sigstore and crypto
/// material, and to what runs on a parsed value (certificate summaries, SCTs, checkpoint and
/// timestamp verification): each must return or throw, never trap. `AIRLOCK_FUZZ_ITERATIONS`
/// raises the count per parser for a long run; `AIRLOCK_FUZZ_RECORD=FILE` writes each input
/// to FILE before it is parsed, so that the input of a crash is left behind.
@Suite("Parser fuzzing")
struct ParserFuzzTests {
    static let seed: UInt64 = 0x5041_5253_4552
    static let iterations = ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_ITERATIONS"].flatMap(Int.init) ?? 300
    static let record = ProcessInfo.processInfo.environment["AIRLOCK_FUZZ_RECORD"].map(URL.init(fileURLWithPath:))

    /// How a target's seeds are mutated.
    enum Shape { case json, bytes, pem }

    struct Target {
        let name: String
        let shape: Shape
        let seeds: [Data]
        let parse: (Data) throws -> Void
    }

    static func targets() throws -> [Target] {
        let kit = try PrivateSigstore()
        let made = try [BundleRecipe(), BundleRecipe().dsse().version(.v0_1), BundleRecipe().log(.rekorV2).timestamped(),
                        BundleRecipe().dsse().version(.v0_2).timestamped()].map { try kit.makeBundle($0) }
        var bundles = made.map(\.json)
        var roots = [kit.trustedRoot.encoded()]
        if SharedData.isAvailable {
            bundles += SharedData.conformanceCases.prefix(12).compactMap { try? SharedData.conformanceCase($0) }
            roots.append(try SharedData.file("conformance/production_trusted_root.json"))
        }
        let entries = made.flatMap(\.bundle.verificationMaterial.tlogEntries)
        let envelopes = made.compactMap { made -> DSSEEnvelope? in
            if case .dsseEnvelope(let envelope) = made.bundle.content { envelope } else { nil }
        }
        let certificates = [kit.fulcioRoot, kit.fulcioIntermediate, kit.timestampAuthorityRoot] + made.compactMap(\.certificate)
        let timestamps = made.flatMap(\.bundle.verificationMaterial.rfc3161Timestamps)
        let verifier = try SigstoreVerifier(trustedRoot: kit.trustedRoot, options: .keyless(now: kit.verificationTime))
        let tsa = TimestampAuthorityChain(root: kit.timestampAuthorityRoot, leaf: kit.timestampAuthority.certificate)
        let legacy = try made[0].legacyAnnotations(chain: [kit.fulcioIntermediate, kit.fulcioRoot])
        let cosignKey = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("keys-example/cosign.key"))

        return [
            Target(name: "JSONValue.parse", shape: .json, seeds: bundles + roots) { _ = try JSONValue.parse($0).canonicalJSON() },
            Target(name: "SigstoreBundle + verify", shape: .json, seeds: bundles + [try made[0].legacyBlobBundle()]) { data in
                let bundle = try SigstoreBundle.blobBundle(json: data)
                _ = verifier.verify(bundle, artifact: .bytes(made[0].artifact), policy: .identity(KitVerification.identity))
                _ = bundle.encoded()
            },
            Target(name: "TrustedRoot + verifier", shape: .json, seeds: roots) { data in
                _ = try SigstoreVerifier(trustedRoot: try TrustedRoot(json: data), options: .keyless(now: kit.verificationTime))
                    .verify(made[0].bundle, artifact: .bytes(made[0].artifact), policy: .identity(KitVerification.identity))
            },
            Target(name: "DSSEEnvelope", shape: .json, seeds: envelopes.map { $0.encoded() }) {
                _ = try DSSEEnvelope(json: $0).pae
            },
            Target(name: "InTotoStatement", shape: .json, seeds: envelopes.map(\.payload)) {
                _ = try InTotoStatement(json: $0).hasSubject(matching: Digest.of(made[1].artifact))
            },
            Target(name: "RekorEntryBody", shape: .json, seeds: entries.map(\.canonicalizedBody)) {
                _ = try RekorEntryBody(canonicalizedBody: $0).signatures
            },
            Target(name: "SignedNote/Checkpoint", shape: .bytes, seeds: entries.compactMap { $0.inclusionProof.map { Data($0.checkpoint.utf8) } }) { data in
                let text = String(decoding: data, as: UTF8.self)
                _ = try? Checkpoint.verifiedRekorV1(envelope: text, key: kit.rekorV1.key.publicKey)
                _ = try? Checkpoint.verifiedRekorV2(envelope: text, key: kit.rekorV2.key.publicKey, origin: kit.rekorV2.host)
                _ = Checkpoint.isRekorV1Style(text)
                _ = try Checkpoint(noteText: text)
            },
            Target(name: "PEMBlock.parseAll", shape: .bytes, seeds: certificates.map { Data($0.pem.utf8) } + [cosignKey]) {
                _ = try PEMBlock.parseAll(String(decoding: $0, as: UTF8.self))
            },
            Target(name: "Certificate(der:) + summary", shape: .bytes, seeds: certificates.map(\.der)) { data in
                let certificate = try Certificate(der: data)
                _ = try? CertificateSummary(certificate)
                _ = try? certificate.signedCertificateTimestamps().map {
                    try $0.verify(leaf: certificate, issuer: kit.fulcioIntermediate, logKey: kit.ctLogKey.publicKey)
                }
            },
            Target(name: "TimestampToken(der:) + verify", shape: .bytes, seeds: timestamps) { data in
                try TimestampToken(der: data).verify(message: made[2].bundle.content.signature, authority: tsa)
            },
            Target(name: "CosignKeyFile(pem:)", shape: .pem, seeds: [cosignKey]) {
                _ = try CosignKeyFile(pem: String(decoding: $0, as: UTF8.self))
            },
            Target(name: "LegacySignatureBundle annotations", shape: .bytes,
                   seeds: [LegacyAnnotations.certificateKey, LegacyAnnotations.chainKey, LegacyAnnotations.bundleKey]
                       .compactMap { legacy.annotations[$0].map { Data($0.utf8) } }) { data in
                let text = String(decoding: data, as: UTF8.self)
                let signature = legacy.annotations[LegacyAnnotations.signatureKey] ?? ""
                for (certificate, rekorBundle) in [(text, legacy.annotations[LegacyAnnotations.bundleKey]),
                                                   (legacy.annotations[LegacyAnnotations.certificateKey], text)] {
                    guard let parsed = try? LegacySignatureBundle(layer: legacy.layer, signature: signature, certificate: certificate,
                                                                  chain: legacy.annotations[LegacyAnnotations.chainKey],
                                                                  rekorBundle: rekorBundle) else { continue }
                    _ = verifier.verify(parsed, artifact: .bytes(legacy.layer), policy: .identity(KitVerification.identity))
                }
            },
        ]
    }

    @Test("Mutated inputs to every parser: no trap")
    func everyParser() throws {
        var random = SplitMix64(seed: Self.seed)
        for target in try Self.targets() {
            try #require(!target.seeds.isEmpty, "\(target.name) has no seed")
            var parsed = 0
            let start = Date()
            for _ in 0..<Self.iterations {
                let seed = random.pick(target.seeds)
                let (input, _) = switch target.shape {
                case .json: Mutation.json(seed, using: &random)
                case .bytes: Mutation.bytes(seed, using: &random)
                case .pem: Mutation.pem(String(decoding: seed, as: UTF8.self), using: &random)
                }
                if let record = Self.record { try input.write(to: record) }
                if (try? target.parse(input)) != nil { parsed += 1 }
            }
            print("fuzz \(target.name): \(Self.iterations) inputs, \(parsed) parsed, \(Date().timeIntervalSince(start))s")
        }
    }
}
