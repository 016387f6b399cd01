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

/// What a verifier checks of a bundle: the names of the signed or verified values that differ
/// between two bundles (values present in both; removed optional evidence is not a change).
enum SignedContent {
    static func changes(from original: SigstoreBundle, to mutated: SigstoreBundle) -> [String] {
        var changed: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: T?, _ b: T?) {
            if let a, let b, a != b { changed.append(name) }
        }
        compare("signature", original.content.signature, mutated.content.signature)
        switch (original.content, mutated.content) {
        case (.messageSignature(let a), .messageSignature(let b)):
            compare("messageDigest", a.messageDigest, b.messageDigest)
        case (.dsseEnvelope(let a), .dsseEnvelope(let b)):
            compare("payload", a.payload, b.payload)
            compare("payloadType", a.payloadType, b.payloadType)
        default:
            changed.append("content kind")
        }
        compare("certificate", original.verificationMaterial.signer.leafCertificate, mutated.verificationMaterial.signer.leafCertificate)
        for (a, b) in zip(original.verificationMaterial.tlogEntries, mutated.verificationMaterial.tlogEntries) {
            let v2 = a.kindVersion == "0.0.2" && a.kind == "hashedrekord"
            compare("logIndex", a.logIndex, b.logIndex)
            compare("logID", a.logID, b.logID)
            compare("kind", a.kind, b.kind)
            compare("kindVersion", a.kindVersion, b.kindVersion)
            if a.inclusionPromise != nil {
                compare("integratedTime", a.integratedTime, b.integratedTime)
                compare("SET", a.inclusionPromise, b.inclusionPromise)
            }
            if !v2 { compare("canonicalizedBody", a.canonicalizedBody, b.canonicalizedBody) }
            if let p = a.inclusionProof, let q = b.inclusionProof {
                compare("proof hashes", p.hashes, q.hashes)
                compare("checkpoint", signedPart(ofCheckpoint: p.checkpoint, v2: v2), signedPart(ofCheckpoint: q.checkpoint, v2: v2))
                if !v2 {
                    compare("proof logIndex", p.logIndex, q.logIndex)
                    compare("treeSize", p.treeSize, q.treeSize)
                    compare("rootHash", p.rootHash, q.rootHash)
                }
            }
        }
        for (a, b) in zip(original.verificationMaterial.rfc3161Timestamps, mutated.verificationMaterial.rfc3161Timestamps) {
            compare("timestamp", signedPart(ofTimestamp: a), signedPart(ofTimestamp: b))
        }
        return changed
    }

    /// The note text and signatures; signer names too for C2SP notes (Rekor v1 does not check
    /// names, so a renamed line is an unsigned change).
    static func signedPart(ofCheckpoint envelope: String, v2: Bool) -> String {
        guard let note = try? (v2 ? SignedNote.parseC2SP(envelope) : SignedNote.parseRekorV1(envelope)) else { return "unparsable: \(envelope)" }
        return note.text + note.signatures.map { (v2 ? $0.name : "") + " " + ($0.keyHint + $0.signature).lowercaseHex }.joined(separator: "\n")
    }

    /// The TSTInfo values of a token: the certificates a CMS SignedData carries are not signed,
    /// and the verifier takes the TSA's certificates from the trusted root when they match.
    static func signedPart(ofTimestamp der: Data) -> String {
        guard let token = try? TimestampToken(der: der) else { return "unparsable: \(der.lowercaseHex)" }
        return [token.genTime.timeIntervalSince1970.description, token.hashAlgorithm.rawValue, token.messageImprint.lowercaseHex,
                token.policy, token.serialNumber.lowercaseHex, token.nonce?.lowercaseHex ?? "", token.tsaName ?? ""].joined(separator: "|")
    }
}
