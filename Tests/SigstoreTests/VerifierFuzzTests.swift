import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore
import SigstoreTestKit
import Testing

/// Mutates kit bundles (bit flips in the text and in decoded bytes, truncation, deleted and
/// duplicated members, huge numbers) with a fixed seed: nothing crashes, and no bundle whose
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
            let (json, mutation) = JSONMutator.mutate(base.made.json, using: &random)
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

/// A deterministic generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One mutation of bundle JSON.
enum JSONMutator {
    static let hugeNumbers = ["9223372036854775807", "9223372036854775808", "-1", "1e400", "18446744073709551616",
                              "0", "99999999999999999999999999", "-9223372036854775808", "4294967296"]

    static func mutate(_ json: Data, using random: inout SplitMix64) -> (Data, String) {
        switch random.next() % 8 {
        case 0:
            var copy = json
            let index = Int(random.next() % UInt64(copy.count))
            copy[index] ^= UInt8(1) << (random.next() % 8)
            return (copy, "text bit flip at byte \(index)")
        case 1:
            let length = Int(random.next() % UInt64(json.count))
            return (json.prefix(length), "truncation to \(length) bytes")
        default:
            guard let value = try? JSONValue.parse(json) else { return (json, "none") }
            let paths = value.leafAndMemberPaths()
            let path = paths[Int(random.next() % UInt64(paths.count))]
            let (mutated, description) = structural(value, at: path, decodedBitFlip: random.next() % 3 != 0, using: &random)
            return (mutated.serialized(), description)
        }
    }

    private static func structural(_ value: JSONValue, at path: [PathStep], decodedBitFlip: Bool,
                                   using random: inout SplitMix64) -> (JSONValue, String) {
        let name = path.map(\.description).joined(separator: ".")
        switch decodedBitFlip ? 3 : random.next() % 3 {
        case 0:
            return (value.removing(path), "deleted \(name)")
        case 1:
            return (value.duplicating(path), "duplicated \(name)")
        case 2:
            let huge = hugeNumbers[Int(random.next() % UInt64(hugeNumbers.count))]
            let replacement: JSONValue = random.next() % 2 == 0 ? .number(JSONNumber(text: huge) ?? JSONNumber(Int64(0))) : .string(huge)
            return (value.replacing(path) { _ in replacement }, "\(name) = \(huge)")
        default:
            let bit = random.next()
            return (value.replacing(path) { leaf in
                guard case .string(let text) = leaf else { return leaf }
                if let bytes = Base64.decodeLenient(text), !bytes.isEmpty {
                    var flipped = bytes
                    let index = Int(bit % UInt64(bytes.count * 8))
                    flipped[index / 8] ^= UInt8(1) << UInt8(index % 8)
                    return .string(Base64.encode(flipped))
                }
                var scalars = Array(text.unicodeScalars)
                guard !scalars.isEmpty, let changed = Unicode.Scalar(scalars[Int(bit % UInt64(scalars.count))].value ^ 1) else { return leaf }
                scalars[Int(bit % UInt64(scalars.count))] = changed
                return .string(String(String.UnicodeScalarView(scalars)))
            }, "decoded bit flip in \(name)")
        }
    }
}

/// A step into a JSON document: an object member or an array element.
enum PathStep: CustomStringConvertible {
    case member(String)
    case element(Int)

    var description: String {
        switch self {
        case .member(let key): key
        case .element(let index): "[\(index)]"
        }
    }
}

extension JSONValue {
    /// Every path to a member or element, depth first.
    func leafAndMemberPaths(prefix: [PathStep] = []) -> [[PathStep]] {
        switch self {
        case .object(let members):
            return members.flatMap { [prefix + [.member($0.key)]] + $0.value.leafAndMemberPaths(prefix: prefix + [.member($0.key)]) }
        case .array(let elements):
            return elements.enumerated().flatMap { [prefix + [.element($0.offset)]] + $0.element.leafAndMemberPaths(prefix: prefix + [.element($0.offset)]) }
        default:
            return []
        }
    }

    func replacing(_ path: [PathStep], with change: (JSONValue) -> JSONValue) -> JSONValue {
        guard let step = path.first else { return change(self) }
        let rest = Array(path.dropFirst())
        switch (self, step) {
        case (.object(let members), .member(let key)):
            return .object(members.map { $0.key == key ? (key: $0.key, value: $0.value.replacing(rest, with: change)) : $0 })
        case (.array(let elements), .element(let index)):
            return .array(elements.enumerated().map { $0.offset == index ? $0.element.replacing(rest, with: change) : $0.element })
        default:
            return self
        }
    }

    func removing(_ path: [PathStep]) -> JSONValue {
        editContainer(path) { members, elements, step in
            switch step {
            case .member(let key): members?.removeAll { $0.key == key }
            case .element(let index): if let count = elements?.count, index < count { elements?.remove(at: index) }
            }
        }
    }

    func duplicating(_ path: [PathStep]) -> JSONValue {
        editContainer(path) { members, elements, step in
            switch step {
            case .member(let key): if let member = members?.first(where: { $0.key == key }) { members?.append(member) }
            case .element(let index): if let count = elements?.count, index < count, let element = elements?[index] { elements?.append(element) }
            }
        }
    }

    /// Applies `edit` to the object members or array elements that hold the last step of `path`.
    private func editContainer(_ path: [PathStep],
                               _ edit: (inout [(key: String, value: JSONValue)]?, inout [JSONValue]?, PathStep) -> Void) -> JSONValue {
        guard let last = path.last else { return self }
        return replacing(Array(path.dropLast())) { container in
            var members = container.objectValue
            var elements = container.arrayValue
            edit(&members, &elements, last)
            if let members { return .object(members) }
            if let elements { return .array(elements) }
            return container
        }
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
