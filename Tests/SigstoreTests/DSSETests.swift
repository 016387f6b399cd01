import AirlockJSON
import AirlockCrypto
import Foundation
import Testing
@testable import Sigstore

@Suite("DSSE envelopes and in-toto statements")
struct DSSETests {
    @Test func preAuthenticationEncodingFollowsTheSpec() {
        #expect(DSSEEnvelope.pae(payloadType: "application/vnd.in-toto+json", payload: Data("{}".utf8))
            == Data("DSSEv1 28 application/vnd.in-toto+json 2 {}".utf8))
        #expect(DSSEEnvelope.pae(payloadType: "", payload: Data()) == Data("DSSEv1 0  0 ".utf8))
        // Lengths count bytes, not characters.
        #expect(DSSEEnvelope.pae(payloadType: "é", payload: Data([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
            == Data("DSSEv1 2 é 10 ".utf8) + Data([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    }

    @Test func parsesEnvelopesInAnyOrderAndEitherAlphabet() throws {
        let json = #"{"signatures":[{"sig":"-_8","keyid":""},{"keyid":"abc","sig":"+/8="}],"payloadType":"t","payload":"aGk","ignored":1}"#
        let envelope = try DSSEEnvelope(json: Data(json.utf8))
        #expect(envelope.payloadType == "t")
        #expect(envelope.payload == Data("hi".utf8))
        #expect(envelope.signatures == [.init(keyID: nil, signature: Data([0xfb, 0xff])), .init(keyID: "abc", signature: Data([0xfb, 0xff]))])
        #expect(throws: FormatError("DSSE envelope: unknown field \"ignored\"")) {
            try DSSEEnvelope(json: Data(json.utf8), rejectUnknownFields: true)
        }
        #expect(throws: FormatError("DSSE envelope.signatures: the envelope has no signature")) {
            try DSSEEnvelope(json: Data(#"{"payloadType":"t","payload":"","signatures":[]}"#.utf8))
        }
        #expect(throws: FormatError("DSSE envelope.signatures[0].sig: required field is missing")) {
            try DSSEEnvelope(json: Data(#"{"payloadType":"t","payload":"","signatures":[{"keyid":"k"}]}"#.utf8))
        }
        #expect(throws: FormatError("DSSE envelope.payloadType: required field is missing")) {
            try DSSEEnvelope(json: Data(#"{"payload":"","signatures":[{"sig":"AA=="}]}"#.utf8))
        }
    }

    @Test func encodesLikeCosign() throws {
        let envelope = DSSEEnvelope(payloadType: "application/vnd.in-toto+json", payload: Data("{\"a\":\"<\"}".utf8),
                                    signatures: [.init(signature: Data([1, 2, 3]))])
        #expect(String(decoding: envelope.encoded(), as: UTF8.self)
            == #"{"payload":"eyJhIjoiPCJ9","payloadType":"application/vnd.in-toto+json","signatures":[{"sig":"AQID"}]}"#)
        let withKeyID = DSSEEnvelope(payloadType: "t", payload: Data(), signatures: [.init(keyID: "key-1", signature: Data([1]))])
        #expect(String(decoding: withKeyID.encoded(), as: UTF8.self)
            == #"{"payload":"","payloadType":"t","signatures":[{"sig":"AQ==","keyid":"key-1"}]}"#)
        #expect(try DSSEEnvelope(json: envelope.encoded()) == envelope)
    }

    @Test func envelopeSignaturesVerifyOverPAE() throws {
        let key = try PrivateKey.generateP256()
        let statement = InTotoStatement.cosignSign(digest: Digest.of(Data("image".utf8)), annotations: nil)
        var envelope = DSSEEnvelope(payloadType: InTotoStatement.payloadType, payload: statement.encoded(), signatures: [])
        envelope.signatures = [.init(signature: try key.sign(envelope.pae))]
        let parsed = try DSSEEnvelope(json: envelope.encoded())
        let signature = try #require(parsed.signatures.first?.signature)
        #expect(key.publicKey.isValidSignature(signature, for: parsed.pae, scheme: .ecdsa(.sha256)))
        #expect(!key.publicKey.isValidSignature(signature, for: parsed.payload, scheme: .ecdsa(.sha256)))
    }

    @Test func buildsTheCosignSignStatement() throws {
        let digest = try Digest(parsing: "sha256:" + String(repeating: "ab", count: 32))
        let statement = InTotoStatement.cosignSign(digest: digest, annotations: ["z": "1", "a": "<2>"])
        #expect(String(decoding: statement.encoded(), as: UTF8.self)
            == #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"\#(digest.hex)"},"annotations":{"a":"\u003c2\u003e","z":"1"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}"#)
        let bare = InTotoStatement.cosignSign(digest: digest, annotations: nil)
        #expect(String(decoding: bare.encoded(), as: UTF8.self)
            == #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"\#(digest.hex)"}}],"predicateType":"https://sigstore.dev/cosign/sign/v1","predicate":{}}"#)
        #expect(try InTotoStatement(json: statement.encoded()) == statement)
        #expect(statement.hasSubject(matching: digest))
        #expect(!statement.hasSubject(matching: Digest.of(Data())))
    }

    @Test func parsesVersion01AndVersion1Statements() throws {
        let v01 = #"{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://slsa.dev/provenance/v0.2","subject":[{"name":"registry/repo","digest":{"sha256":"\#(String(repeating: "AB", count: 32))"}}],"predicate":{"builder":{"id":"x"}}}"#
        let statement = try InTotoStatement(json: Data(v01.utf8))
        #expect(statement.type == InTotoStatement.typeV01)
        #expect(statement.subjects.first?.name == "registry/repo")
        #expect(statement.predicate?["builder"]?["id"] == "x")
        // Digest matching decodes hex case-insensitively.
        #expect(statement.hasSubject(matching: Digest(algorithm: .sha256, bytes: Data(repeating: 0xAB, count: 32))))

        let v1 = #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"uri":"pkg:x","digest":{"sha512":"00"},"downloadLocation":"https://d","mediaType":"m","annotations":{"k":[1]},"content":"AQ=="}],"predicate_type":"p"}"#
        let parsed = try InTotoStatement(json: Data(v1.utf8))
        #expect(parsed.subjects.first == .init(uri: "pkg:x", digest: ["sha512": "00"], content: Data([1]), downloadLocation: "https://d",
                                               mediaType: "m", annotations: ["k": [1]]))
        #expect(parsed.predicate == nil)
    }

    @Test func refusesWhatSigstoreGoRefuses() throws {
        let base = #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"digest":{"sha256":"00"}}],"predicateType":"p""#
        let cases: [(String, String)] = [
            (base + #","predicate":"text"}"#, "in-toto statement.predicate: expected an object, found a string"),
            (base + #","predicate":[]}"#, "in-toto statement.predicate: expected an object, found an array"),
            (base + #","extra":{}}"#, "in-toto statement: unknown field \"extra\""),
            (base.replacingOccurrences(of: "v1", with: "v2") + "}", "in-toto statement: unsupported _type \"https://in-toto.io/Statement/v2\""),
            (base.replacingOccurrences(of: #"{"digest""#, with: #"{"size":1,"digest""#) + "}",
             "in-toto statement.subject[0]: unknown field \"size\""),
            (base.replacingOccurrences(of: #""00""#, with: "0") + "}", "in-toto statement.subject[0].digest.sha256: expected a string"),
            (#"{"_type":"https://in-toto.io/Statement/v1","subject":[]}"#, "in-toto statement.predicateType: required field is missing"),
        ]
        for (json, message) in cases {
            #expect(throws: FormatError(message)) { try InTotoStatement(json: Data(json.utf8)) }
        }
    }

    @Test func enforcesSubjectAndDigestLimits() throws {
        func statement(subjects: Int, digests: Int) -> Data {
            let digest = "{" + (0..<digests).map { #""alg\#($0)":"00""# }.joined(separator: ",") + "}"
            let subject = #"{"digest":\#(digest)}"#
            return Data(#"{"_type":"https://in-toto.io/Statement/v1","predicateType":"p","subject":[\#(Array(repeating: subject, count: subjects).joined(separator: ","))]}"#.utf8)
        }
        #expect(throws: Never.self) { try InTotoStatement(json: statement(subjects: 1024, digests: 32)) }
        #expect(throws: FormatError("in-toto statement.subject: 1025 elements, more than the limit of 1024")) {
            try InTotoStatement(json: statement(subjects: 1025, digests: 1))
        }
        #expect(throws: FormatError("in-toto statement.subject[0].digest: 33 entries, more than the limit of 32")) {
            try InTotoStatement(json: statement(subjects: 1, digests: 33))
        }
    }
}
