import AirlockJSON
import AirlockCrypto
import Foundation
import Testing
@testable import Sigstore

@Suite("Rekor entry bodies")
struct RekorEntryBodyTests {
    /// Whether a Rekor v1 entry records the bundle's signature, signer and artifact (§8.2 step 6).
    private func binds(_ body: RekorEntryBody, to bundle: SigstoreBundle, key: PublicKey?) -> Bool {
        let signer: RekorVerifier? = switch bundle.verificationMaterial.signer {
        case .publicKey: key.map { .publicKey($0.derSPKI) }
        case .certificate(let der): .certificate(der)
        case .x509CertificateChain(let chain): chain.first.map { .certificate($0) }
        }
        guard let first = body.signatures.first, first.signature == bundle.content.signature, first.verifier == signer else {
            return false
        }
        switch (body, bundle.content) {
        case (.hashedRekordV001(let entry), .messageSignature(let message)):
            return entry.dataHash == message.messageDigest
        case (.dsseV001(let entry), .dsseEnvelope(let envelope)):
            return entry.payloadHash == Digest.of(envelope.payload)
        case (.intotoV002(let entry), .dsseEnvelope(let envelope)):
            return entry.payloadHash == Digest.of(envelope.payload)
        default:
            return false
        }
    }

    /// Rekor v1 cases whose entry does not match their bundle, per their README.
    private static let mismatched: Set<String> = [
        "dsse-invalid-sig_fail", "dsse-mismatch-envelope_fail", "signature-mismatch_fail", "wrong-hashedrekord-entry_fail",
        "managed-key-wrong-key_fail",
    ]

    @Test(.enabled(if: SharedData.isAvailable))
    func rekorV1BodiesBindToTheirBundlesAndRebuildByteForByte() throws {
        var seen: Set<String> = []
        for name in SharedData.conformanceCases {
            guard let bundle = try? SharedData.bundle(name), let entry = bundle.verificationMaterial.tlogEntries.first,
                  let body = try? RekorEntryBody(canonicalizedBody: entry.canonicalizedBody), !body.isRekorV2 else { continue }
            let key = try? PublicKey(pem: String(decoding: SharedData.conformanceCase(name, "key.pub"), as: UTF8.self))
            #expect(binds(body, to: bundle, key: key) == !Self.mismatched.contains(name), "\(name)")
            seen.insert("\(body.kind) \(body.apiVersion)")
            switch body {
            case .hashedRekordV001(let record):
                #expect(record.canonicalBody == entry.canonicalizedBody, "\(name)")
                #expect(record.signatureContent == Base64.encode(record.signature))
            case .dsseV001(let record):
                #expect(record.canonicalBody == entry.canonicalizedBody, "\(name)")
            case .intotoV002(let record):
                #expect(record.payloadType == InTotoStatement.payloadType)
            case .hashedRekordV002:
                break
            }
        }
        #expect(seen == ["hashedrekord 0.0.1", "dsse 0.0.1", "intoto 0.0.2"])
    }

    @Test(.enabled(if: SharedData.isAvailable))
    func rekorV2BodiesParse() throws {
        let bundle = try SharedData.bundle("rekor2-happy-path")
        let entry = try #require(bundle.verificationMaterial.tlogEntries.first)
        guard case .hashedRekordV002(let record) = try RekorEntryBody(canonicalizedBody: entry.canonicalizedBody) else {
            Issue.record("expected hashedrekord 0.0.2")
            return
        }
        guard case .messageSignature(let message) = bundle.content else { return }
        #expect(record.digest == message.messageDigest)
        #expect(record.signature == message.signature)
        #expect(record.verifier == .certificate(try #require(bundle.verificationMaterial.signer.leafCertificate)))
        #expect(record.keyDetails == .pkixECDSAP256SHA256)
        #expect(record.canonicalBody == entry.canonicalizedBody)
    }

    private func body(_ json: String) throws -> RekorEntryBody {
        try RekorEntryBody(canonicalizedBody: Data(json.utf8))
    }

    @Test func refusesOtherEntryTypes() throws {
        let v2 = #"{"apiVersion":"0.0.2","kind":"hashedrekord","spec":{"hashedRekordV002":{"data":{"algorithm":"SHA2_256","digest":"\#(Base64.encode(Data(count: 32)))"},"signature":{"content":"AQ==","verifier":{"publicKey":{"rawBytes":"AQ=="},"keyDetails":"PKIX_ECDSA_P256_SHA_256"}}}}}"#
        #expect(throws: Never.self) { try body(v2) }
        let cases: [(String, String)] = [
            (#"{"apiVersion":"0.0.2","kind":"dsse","spec":{"dsseV002":{"payloadHash":{},"signatures":[]}}}"#,
             "log entry body: Rekor v2 dsse 0.0.2 entries are deprecated and not supported (as in sigstore-go)"),
            (#"{"apiVersion":"0.0.1","kind":"rekord","spec":{}}"#,
             "log entry body: unsupported entry type rekord 0.0.1 (supported: hashedrekord 0.0.1/0.0.2, dsse 0.0.1, intoto 0.0.2)"),
            (#"{"apiVersion":"0.0.1","kind":"intoto","spec":{}}"#,
             "log entry body: unsupported entry type intoto 0.0.1 (supported: hashedrekord 0.0.1/0.0.2, dsse 0.0.1, intoto 0.0.2)"),
            (v2.replacingOccurrences(of: #""apiVersion":"0.0.2""#, with: #""apiVersion":"0.0.1""#),
             "log entry body: a hashedRekordV002 spec needs kind hashedrekord and apiVersion 0.0.2"),
            (v2.replacingOccurrences(of: #""keyDetails""#, with: #""x":1,"keyDetails""#),
             "log entry body.spec.hashedRekordV002.signature.verifier: unknown field \"x\""),
            (v2.replacingOccurrences(of: #""publicKey":{"rawBytes":"AQ=="},"#, with: ""),
             "log entry body.spec.hashedRekordV002.signature.verifier: exactly one of publicKey and x509Certificate is required"),
            (v2.replacingOccurrences(of: "SHA2_256", with: "SHA2_384"),
             "log entry body.spec.hashedRekordV002.data.digest: 32 bytes, SHA2_384 needs 48"),
            (#"{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"md5","value":"00"}},"signature":{"content":"AQ==","publicKey":{"content":"AQ=="}}}}"#,
             "log entry body.spec.data.hash: unsupported digest algorithm \"md5\""),
            ("[]", "log entry body: expected an object, found an array"),
        ]
        for (json, message) in cases {
            #expect(throws: FormatError(message)) { try body(json) }
        }
    }

    @Test func buildsBodiesThatReadBack() throws {
        let key = try PrivateKey.generateP256()
        let digest = Digest.of(Data("artifact".utf8))
        let signature = try key.sign(Data("artifact".utf8))
        let record = HashedRekordV001(signature: signature, verifier: .publicKey(key.publicKey.derSPKI), dataHash: digest)
        #expect(try RekorEntryBody(canonicalizedBody: record.canonicalBody) == .hashedRekordV001(record))
        #expect(String(decoding: record.canonicalBody, as: UTF8.self).hasPrefix(
            #"{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"\#(digest.hex)"}},"signature":{"content":""#))

        let envelope = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payload: Data("{}".utf8),
                                    signatures: [.init(signature: Data([2])), .init(signature: Data([1]))])
        let dsse = DSSEEntryV001(envelopeJSON: envelope.encoded(), envelope: envelope, verifier: .certificate(Data([0x30, 0])))
        #expect(dsse.envelopeHash == Digest.of(envelope.encoded()))
        #expect(dsse.payloadHash == Digest.of(Data("{}".utf8)))
        guard case .dsseV001(let parsed) = try RekorEntryBody(canonicalizedBody: dsse.canonicalBody) else {
            Issue.record("expected dsse")
            return
        }
        // Signatures come back sorted by their base64 text.
        #expect(parsed.signatures.map(\.signature) == [Data([1]), Data([2])])

        var bundle = SigstoreBundle(version: .v0_3, verificationMaterial: VerificationMaterial(signer: .publicKey(hint: "")),
                                    content: .dsseEnvelope(DSSEEnvelope(payloadType: "t", payload: Data("p".utf8),
                                                                        signatures: [.init(signature: Data([9]))])))
        let ed = try HashedRekordV002(rebuildingFrom: bundle, verifier: .publicKey(Data([1])), keyAlgorithm: .ed25519)
        #expect(ed.keyDetails == .pkixEd25519ph)
        #expect(ed.digest == Digest.of(DSSEEnvelope.pae(payloadType: "t", payload: Data("p".utf8)), algorithm: .sha512))
        #expect(try RekorEntryBody(canonicalizedBody: ed.canonicalBody) == .hashedRekordV002(ed))
        #expect(String(decoding: ed.canonicalBody, as: UTF8.self).hasSuffix(
            #""signature":{"content":"CQ==","verifier":{"keyDetails":"PKIX_ED25519_PH","publicKey":{"rawBytes":"AQ=="}}}}}}"#))

        bundle.content = .messageSignature(MessageSignature(messageDigest: Digest.of(Data(), algorithm: .sha384), signature: Data([9])))
        #expect(throws: FormatError("bundle.messageSignature: digest SHA2_384 does not match the SHA2_256 of PKIX_ECDSA_P256_SHA_256")) {
            try HashedRekordV002(rebuildingFrom: bundle, verifier: .publicKey(Data([1])), keyAlgorithm: .ecdsaP256)
        }
        #expect(throws: FormatError("RSA keys of 1024 bits have no PublicKeyDetails value (2048, 3072, 4096)")) {
            try HashedRekordV002(rebuildingFrom: bundle, verifier: .publicKey(Data([1])), keyAlgorithm: .rsa(bits: 1024))
        }
    }
}
