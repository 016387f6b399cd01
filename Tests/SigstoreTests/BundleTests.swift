import AirlockJSON
import AirlockCrypto
import Foundation
import Testing
@testable import Sigstore

extension JSONValue {
    /// A copy with the member at `path` (object keys; array elements as decimal strings)
    /// replaced, added, or removed when `newValue` is nil.
    func setting(_ path: [String], to newValue: JSONValue?) -> JSONValue {
        guard let head = path.first else { return newValue ?? .null }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var members):
            if let index = members.firstIndex(where: { $0.key == head }) {
                if rest.isEmpty, newValue == nil {
                    members.remove(at: index)
                } else {
                    members[index].value = members[index].value.setting(rest, to: newValue)
                }
            } else if let newValue {
                members.append((key: head, value: JSONValue.object([]).setting(rest, to: newValue)))
            }
            return .object(members)
        case .array(var elements):
            guard let index = Int(head), elements.indices.contains(index) else { return self }
            elements[index] = elements[index].setting(rest, to: newValue)
            return .array(elements)
        default:
            return self
        }
    }
}

@Suite("Sigstore bundle")
struct BundleTests {
    /// Conformance cases whose bundle must not parse, and why.
    private static let unparsable: [String: String] = [
        "bundle-malformed-json_fail": "bundle: invalid JSON",
        "bundle-unknown-version_fail": "bundle: version \"99.9\" is not supported",
        "bundle-empty-certificate-chain_fail": "bundle.verificationMaterial.x509CertificateChain.certificates: the chain is empty",
        "intoto-missing-inclusion-proof_fail": "bundle: a tlog entry has no inclusion proof (required since bundle v0.2)",
        // sigstore-go requires a checkpoint with every inclusion proof (FORMATS.md §8.2 step 1);
        // MerkleConformanceTests shows the proof itself is also wrong.
        "invalid-inclusion-proof_fail": "bundle.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint: required field is missing",
    ]

    @Test(.enabled(if: SharedData.isAvailable))
    func readsEveryConformanceBundleOrRefusesItForItsReason() throws {
        let cases = SharedData.conformanceCases
        #expect(cases.count >= 40)
        for name in cases {
            let data = try SharedData.conformanceCase(name)
            if let reason = Self.unparsable[name] {
                do {
                    _ = try SigstoreBundle(json: data)
                    Issue.record("\(name): accepted")
                } catch {
                    #expect(error.message.hasPrefix(reason), "\(name): \(error)")
                }
            } else {
                let bundle = try SigstoreBundle(json: data)
                #expect(!bundle.verificationMaterial.tlogEntries.isEmpty, "\(name)")
                // What we write, we read back to the same model.
                #expect(try SigstoreBundle(json: bundle.encoded()) == bundle, "\(name)")
            }
        }
    }

    @Test(.enabled(if: SharedData.isAvailable))
    func readsTheFieldsOfARealBundle() throws {
        let bundle = try SharedData.bundle("happy-path-v0.3")
        #expect(bundle.version == .v0_3)
        guard case .certificate(let certificate) = bundle.verificationMaterial.signer else {
            Issue.record("expected a certificate")
            return
        }
        #expect(certificate.count == 2101)
        let entry = try #require(bundle.verificationMaterial.tlogEntries.first)
        #expect(entry.logIndex == 79571823)
        #expect(entry.logID.lowercaseHex == "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d")
        #expect(entry.kind == "hashedrekord" && entry.kindVersion == "0.0.1")
        #expect(entry.integratedTime == 1710869186)
        #expect(entry.inclusionPromise?.count == 72)
        let proof = try #require(entry.inclusionProof)
        #expect(proof.logIndex == 75408392 && proof.treeSize == 75408393)
        #expect(proof.hashes.count == 11 && proof.rootHash.count == 32)
        #expect(proof.checkpoint.hasPrefix("rekor.sigstore.dev - 2605736670972794746\n75408393\n"))
        guard case .messageSignature(let message) = bundle.content else {
            Issue.record("expected a message signature")
            return
        }
        #expect(message.messageDigest?.description == "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf")
        #expect(bundle.content.signature == message.signature)

        let dsse = try SharedData.bundle("rekor2-dsse-happy-path")
        guard case .dsseEnvelope(let envelope) = dsse.content else {
            Issue.record("expected a DSSE envelope")
            return
        }
        #expect(envelope.payloadType == InTotoStatement.payloadType)
        #expect(dsse.verificationMaterial.rfc3161Timestamps.count == 1)
        #expect(dsse.verificationMaterial.tlogEntries.first?.integratedTime == 0)
        #expect(dsse.verificationMaterial.tlogEntries.first?.inclusionPromise == nil)

        let keyed = try SharedData.bundle("managed-key-happy-path")
        #expect(keyed.verificationMaterial.signer == .publicKey(hint: "TLMsSDfG3ajPsWge+z/vX5T/zluXnmvbkTkwLIV68Tk="))
    }

    // MARK: - Synthetic bundles

    private static let logID = Data(repeating: 0xAB, count: 32)

    private static func entry(index: Int64 = 7) -> TransparencyLogEntry {
        TransparencyLogEntry(logIndex: index, logID: logID, kind: "hashedrekord", kindVersion: "0.0.1",
                             integratedTime: 1_700_000_000, inclusionPromise: Data([1, 2, 3]),
                             inclusionProof: InclusionProof(logIndex: index, rootHash: Data(repeating: 9, count: 32), treeSize: 100,
                                                            hashes: [Data(repeating: 5, count: 32)], checkpoint: "log\n100\nroot\n\n— sig\n"),
                             canonicalizedBody: Data(#"{"kind":"hashedrekord"}"#.utf8))
    }

    private static let message = MessageSignature(messageDigest: Digest.of(Data("artifact".utf8)), signature: Data([0x30, 1, 2]))

    private static func bundle(version: BundleVersion = .v0_3,
                               signer: VerificationMaterial.Signer = .publicKey(hint: "hint"),
                               entries: [TransparencyLogEntry] = [entry()],
                               content: BundleContent = .messageSignature(message)) -> SigstoreBundle {
        SigstoreBundle(version: version,
                       verificationMaterial: VerificationMaterial(signer: signer, tlogEntries: entries, rfc3161Timestamps: [Data([0x30, 0])]),
                       content: content)
    }

    private func parse(_ value: JSONValue, allowCertificateChain: Bool = false) throws -> SigstoreBundle {
        try SigstoreBundle(json: value.serialized(), allowCertificateChain: allowCertificateChain)
    }

    @Test func writesVersion03InProtojsonShape() throws {
        let bundle = Self.bundle()
        let json = bundle.jsonValue
        #expect(json["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json")
        let entry = try #require(json["verificationMaterial"]?["tlogEntries"]?.arrayValue?.first)
        #expect(entry["logIndex"] == "7")
        #expect(entry["integratedTime"] == "1700000000")
        #expect(entry["logId"] == ["keyId": .string(Base64.encode(Self.logID))])
        #expect(json["verificationMaterial"]?["publicKey"] == ["hint": "hint"])
        #expect(json["messageSignature"]?["messageDigest"]?["algorithm"] == "SHA2_256")
        #expect(try parse(json) == bundle)

        // Zero int64 values are omitted, as protojson does, and read back as zero.
        let zero = Self.bundle(entries: [Self.entry(index: 0)])
        #expect(zero.jsonValue["verificationMaterial"]?["tlogEntries"]?.arrayValue?.first?["logIndex"] == nil)
        #expect(try parse(zero.jsonValue) == zero)

        let envelope = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payload: Data("{}".utf8),
                                    signatures: [.init(keyID: "k1", signature: Data([7, 7]))])
        let dsse = Self.bundle(signer: .certificate(Data([0x30, 0x03, 1, 2, 3])), content: .dsseEnvelope(envelope))
        #expect(dsse.jsonValue["dsseEnvelope"] == ["payload": "e30=", "payloadType": "application/vnd.in-toto+json",
                                                   "signatures": [["sig": "Bwc=", "keyid": "k1"]]])
        #expect(try parse(dsse.jsonValue) == dsse)
    }

    @Test func acceptsEveryProtojsonSpelling() throws {
        let bundle = Self.bundle()
        var json = bundle.jsonValue
        // snake_case names, int64 as numbers, enum by number, URL-safe unpadded bytes, null = absent.
        let material = json["verificationMaterial"]!
        json = json.setting(["verificationMaterial"], to: nil).setting(["verification_material"], to: material)
        let path = ["verification_material", "tlogEntries", "0"]
        json = json.setting(path + ["logIndex"], to: nil).setting(path + ["log_index"], to: 7)
        json = json.setting(path + ["integratedTime"], to: .integer(1_700_000_000))
        json = json.setting(["messageSignature", "messageDigest", "algorithm"], to: 1)
        let digest = Base64.encode(Self.message.messageDigest!.bytes)
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        json = json.setting(["messageSignature", "messageDigest", "digest"], to: .string(digest))
        json = json.setting(["dsseEnvelope"], to: .null)
        #expect(try parse(json) == bundle)
        // All three v0.3 spellings and the older versions.
        for mediaType in ["application/vnd.dev.sigstore.bundle+json;version=0.3", "application/vnd.dev.sigstore.bundle.v0.3.1+json"] {
            #expect(try parse(json.setting(["mediaType"], to: .string(mediaType))).version == .v0_3)
        }
        #expect(try parse(json.setting(["mediaType"], to: "application/vnd.dev.sigstore.bundle+json;version=0.2")).version == .v0_2)
    }

    @Test func refusesMalformedBundlesNamingTheProblem() throws {
        let valid = Self.bundle().jsonValue
        let entryPath = ["verificationMaterial", "tlogEntries", "0"]
        let cases: [(JSONValue, String)] = [
            (valid.setting(["mediaType"], to: "application/vnd.dev.sigstore.bundle.v0.4+json"),
             "bundle: version \"0.4\" is not supported (airlock reads bundle versions 0.1, 0.2 and 0.3)"),
            (valid.setting(["mediaType"], to: "application/json"), "bundle: unsupported media type \"application/json\""),
            (valid.setting(["mediaType"], to: nil), "bundle.mediaType: required field is missing"),
            (valid.setting(["extra"], to: 1), "bundle: unknown field \"extra\""),
            (valid.setting(entryPath + ["colour"], to: "red"), "bundle.verificationMaterial.tlogEntries[0]: unknown field \"colour\""),
            (valid.setting(["dsseEnvelope"], to: ["payloadType": "x", "payload": "", "signatures": [["sig": "AA=="]]]),
             "bundle: both messageSignature and dsseEnvelope are present"),
            (valid.setting(["messageSignature"], to: nil), "bundle: no messageSignature or dsseEnvelope"),
            (valid.setting(["verificationMaterial", "certificate"], to: ["rawBytes": "MAA="]),
             "bundle.verificationMaterial: more than one of publicKey, x509CertificateChain, certificate"),
            (valid.setting(["verificationMaterial", "publicKey"], to: nil),
             "bundle.verificationMaterial: no publicKey, x509CertificateChain or certificate"),
            (valid.setting(["verificationMaterial", "publicKey"], to: nil).setting(["verificationMaterial", "x509CertificateChain"],
                                                                                  to: ["certificates": [["rawBytes": "MAA="]]]),
             "bundle: v0.3 bundles must carry a single certificate, not an x509CertificateChain"),
            (valid.setting(["verificationMaterial", "publicKey"], to: nil).setting(["verificationMaterial", "certificate"], to: ["rawBytes": ""]),
             "bundle.verificationMaterial.certificate.rawBytes: required field is missing"),
            (valid.setting(entryPath + ["logIndex"], to: "-1"), "bundle.verificationMaterial.tlogEntries[0].logIndex: must not be negative"),
            (valid.setting(entryPath + ["logIndex"], to: "1e3"),
             "bundle.verificationMaterial.tlogEntries[0].logIndex: expected a 64-bit integer, found a string"),
            (valid.setting(entryPath + ["logIndex"], to: "99999999999999999999"),
             "bundle.verificationMaterial.tlogEntries[0].logIndex: expected a 64-bit integer, found a string"),
            (valid.setting(entryPath + ["log_index"], to: "7"), "bundle.verificationMaterial.tlogEntries[0]: field \"logIndex\" appears more than once"),
            (valid.setting(entryPath + ["logId"], to: nil), "bundle.verificationMaterial.tlogEntries[0].logId: required field is missing"),
            (valid.setting(entryPath + ["canonicalizedBody"], to: "%%%"),
             "bundle.verificationMaterial.tlogEntries[0].canonicalizedBody: invalid base64"),
            (valid.setting(entryPath + ["inclusionProof", "checkpoint", "envelope"], to: ""),
             "bundle.verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope: the checkpoint is empty"),
            (valid.setting(["messageSignature", "messageDigest", "algorithm"], to: "SHA3_256"),
             "bundle.messageSignature.messageDigest.algorithm: unsupported value SHA3_256"),
            (valid.setting(["messageSignature", "messageDigest", "digest"], to: "AAAA"),
             "bundle.messageSignature.messageDigest.digest: 3 bytes, SHA2_256 needs 32"),
            (valid.setting(["messageSignature", "signature"], to: nil), "bundle.messageSignature.signature: required field is missing"),
        ]
        for (json, message) in cases {
            #expect(throws: FormatError(message)) { try parse(json) }
        }
    }

    @Test func enforcesVersionRulesAndLimits() throws {
        let chain = VerificationMaterial.Signer.x509CertificateChain([Data([0x30, 0])])
        #expect(throws: Never.self) { try parse(Self.bundle(version: .v0_3, signer: chain).jsonValue, allowCertificateChain: true) }
        #expect(throws: Never.self) { try parse(Self.bundle(version: .v0_2, signer: chain).jsonValue) }

        var noPromise = Self.entry()
        noPromise.inclusionPromise = nil
        #expect(throws: FormatError("bundle: a tlog entry has no inclusion promise (required in bundle v0.1)")) {
            try parse(Self.bundle(version: .v0_1, entries: [noPromise]).jsonValue)
        }
        #expect(throws: Never.self) { try parse(Self.bundle(version: .v0_2, entries: [noPromise]).jsonValue) }
        var noProof = Self.entry()
        noProof.inclusionProof = nil
        #expect(throws: Never.self) { try parse(Self.bundle(version: .v0_1, entries: [noProof]).jsonValue) }
        #expect(throws: FormatError("bundle: a tlog entry has no inclusion proof (required since bundle v0.2)")) {
            try parse(Self.bundle(version: .v0_3, entries: [Self.entry(), noProof]).jsonValue)
        }

        let many = (0..<33).map { Self.entry(index: Int64($0)) }
        #expect(throws: FormatError("bundle.verificationMaterial.tlogEntries: 33 elements, more than the limit of 32")) {
            try parse(Self.bundle(entries: many).jsonValue)
        }
        #expect(throws: Never.self) { try parse(Self.bundle(entries: Array(many.prefix(32))).jsonValue) }
        var timestamps = Self.bundle()
        timestamps.verificationMaterial.rfc3161Timestamps = Array(repeating: Data([0x30, 0]), count: 33)
        #expect(throws: FormatError("bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps: 33 elements, more than the limit of 32")) {
            try parse(timestamps.jsonValue)
        }
        #expect(throws: FormatError("bundle: two tlog entries share log ID \(Self.logID.lowercaseHex) and index 7")) {
            try parse(Self.bundle(entries: [Self.entry(), Self.entry()]).jsonValue)
        }

        let twoSignatures = DSSEEnvelope(payloadType: "t", payload: Data(), signatures: [.init(signature: Data([1])), .init(signature: Data([2]))])
        #expect(throws: FormatError("bundle.dsseEnvelope: 2 signatures, a bundle needs exactly one")) {
            try parse(Self.bundle(content: .dsseEnvelope(twoSignatures)).jsonValue)
        }
        #expect(throws: FormatError("bundle.dsseEnvelope: unknown field \"extra\"")) {
            try parse(Self.bundle().jsonValue.setting(["messageSignature"], to: nil)
                .setting(["dsseEnvelope"], to: ["payloadType": "t", "signatures": [["sig": "AQ=="]], "extra": 1]))
        }
    }
}
