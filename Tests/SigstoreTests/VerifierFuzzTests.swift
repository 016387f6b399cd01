import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore
import InputMutation
import SigstoreTestKit
import Testing

/// Mutates kit bundles (`Mutation.json`: bit flips in the text and in decoded bytes, truncation,
/// deleted, duplicated and retyped members, huge numbers, deep nesting, long strings, invalid
/// UTF-8) with a fixed seed: nothing crashes, and no bundle whose
/// signed or verified content changed is accepted. Unsigned fields (the key hint, a DSSE key
/// ID, chain certificates after the leaf, Rekor v2 fields the verifier rebuilds or ignores) and
/// removed optional evidence may pass or fail.
@Suite("SigstoreVerifier fuzzing")
struct VerifierFuzzTests {
    static let cases = 3000
    static let seed: UInt64 = 0x41_49_52_4C_4F_43_4B

    struct Base {
        let name: String
        let made: KitBundle
        let verifier: SigstoreVerifier
        let policy: SignerPolicy
    }

    static func bases(_ kit: PrivateSigstore) throws -> [Base] {
        let now = kit.verificationTime
        let key = try PrivateKey.generateP256()
        var keyOptions = VerifierOptions.publicKey(now: now)
        keyOptions.transparencyLogThreshold = 1
        let specs: [(String, BundleRecipe, VerifierOptions)] = [
            ("message v0.3 Rekor v1", BundleRecipe(), .keyless(now: now)),
            ("DSSE v0.1 Rekor v1", BundleRecipe().dsse().version(.v0_1), .keyless(now: now)),
            ("message v0.3 Rekor v2 + TSA", BundleRecipe().log(.rekorV2).timestamped(), .keyless(now: now, usesSignedTimestamps: true)),
            ("DSSE v0.2 Rekor v1 + TSA", BundleRecipe().dsse().version(.v0_2).timestamped(), .keyless(now: now, usesSignedTimestamps: true)),
            ("key message v0.3 Rekor v1", BundleRecipe().signed(by: key), keyOptions),
        ]
        return try specs.map { name, recipe, options in
            let made = try kit.makeBundle(recipe)
            let policy: SignerPolicy = made.certificate == nil ? .publicKey(key.publicKey) : .identity(KitVerification.identity)
            return Base(name: name, made: made, verifier: try SigstoreVerifier(trustedRoot: kit.trustedRoot, options: options), policy: policy)
        }
    }

    @Test("Thousands of mutated bundles: no crash, no signed change accepted")
    func mutations() throws {
        let kit = try PrivateSigstore()
        let bases = try Self.bases(kit)
        for base in bases {
            #expect(base.verifier.verify(base.made.bundle, artifact: .bytes(base.made.artifact), policy: base.policy).verified != nil,
                    "\(base.name) must verify unmutated")
        }
        var random = SplitMix64(seed: Self.seed)
        var unparsable = 0, rejected = 0, acceptedUnsigned = 0
        for iteration in 0..<Self.cases {
            let base = bases[iteration % bases.count]
            let (json, mutation) = Mutation.json(base.made.json, using: &random)
            guard let mutated = try? SigstoreBundle(json: json) else {
                unparsable += 1
                continue
            }
            let result = base.verifier.verify(mutated, artifact: .bytes(base.made.artifact), policy: base.policy)
            guard result.verified != nil else {
                rejected += 1
                continue
            }
            let changed = SignedContent.changes(from: base.made.bundle, to: mutated)
            #expect(changed.isEmpty, "case \(iteration) (\(base.name)): \(mutation) changed \(changed) and still verified")
            acceptedUnsigned += 1
        }
        #expect(unparsable + rejected + acceptedUnsigned == Self.cases)
        #expect(unparsable > 0 && rejected > 0)
        print("fuzz: \(Self.cases) cases: \(unparsable) unparsable, \(rejected) rejected, \(acceptedUnsigned) accepted with only unsigned changes")
    }

    @Test("Unsigned fields may change: the key hint and a DSSE key ID")
    func unsignedFields() throws {
        let kit = try PrivateSigstore()
        let key = try PrivateKey.generateP256()
        var keyed = try kit.makeBundle(BundleRecipe().signed(by: key))
        keyed.bundle.verificationMaterial.signer = .publicKey(hint: "anything at all")
        #expect(KitVerification.verify(keyed, kit: kit).verified != nil)
        var dsse = try kit.makeBundle(BundleRecipe().dsse())
        guard case .dsseEnvelope(var envelope) = dsse.bundle.content else { return }
        envelope.signatures[0].keyID = "some-key"
        dsse.bundle.content = .dsseEnvelope(envelope)
        #expect(KitVerification.verify(dsse, kit: kit).verified != nil)
        #expect(SignedContent.changes(from: try kit.makeBundle().bundle, to: keyed.bundle).contains("signature"))
    }
}
