import AirlockCrypto
import Cosign
import Foundation
import Sigstore
import Testing

@Suite("Simple-signing payload")
struct SimpleSigningPayloadTests {
    let digest = Digest.of(Data("manifest".utf8))

    @Test func encodesTheBytesCosignWrites() throws {
        let payload = SimpleSigningPayload(dockerReference: "registry.example.com/team/app", manifestDigest: digest)
        let expected = #"{"critical":{"identity":{"docker-reference":"registry.example.com/team/app"},"image":{"docker-manifest-digest":"\#(digest)"},"type":"cosign container image signature"},"optional":null}"#
        #expect(String(decoding: payload.encoded(), as: UTF8.self) == expected)
    }

    @Test func annotationsAreSortedAndGoEscaped() throws {
        let payload = SimpleSigningPayload(dockerReference: "r.example/a", manifestDigest: digest,
                                           annotations: ["team": "x", "env": "prod", "note": "<a&b>"])
        let text = String(decoding: payload.encoded(), as: UTF8.self)
        #expect(text.hasSuffix(#","optional":{"env":"prod","note":"\u003ca\u0026b\u003e","team":"x"}}"#))
        #expect(try SimpleSigningPayload(json: payload.encoded()) == payload)
    }

    @Test func parsingIgnoresUnknownMembersButNeedsEveryCriticalField() throws {
        let extra = #"{"critical":{"identity":{"docker-reference":"r/a","x":1},"image":{"docker-manifest-digest":"\#(digest)"},"type":"cosign container image signature"},"optional":{"n":1},"more":true}"#
        let parsed = try SimpleSigningPayload(json: Data(extra.utf8))
        #expect(parsed.manifestDigest == digest.description)
        #expect(parsed.optional?.first?.value == .integer(1))
        let missing = #"{"critical":{"identity":{"docker-reference":"r/a"},"type":"cosign container image signature"}}"#
        #expect(throws: CosignError("simple-signing payload: critical.image.docker-manifest-digest is missing or not a string")) {
            try SimpleSigningPayload(json: Data(missing.utf8))
        }
        #expect(throws: CosignError.self) { try SimpleSigningPayload(json: Data("{\"critical\":".utf8)) }
        let badOptional = #"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"d"},"type":"t"},"optional":[1]}"#
        #expect(throws: CosignError("simple-signing payload: optional is an array, not an object")) {
            try SimpleSigningPayload(json: Data(badOptional.utf8))
        }
    }

    @Test func claimsNameTheFailedCheck() throws {
        let payload = SimpleSigningPayload(dockerReference: "r.example/a", manifestDigest: digest, annotations: ["env": "prod"])
        try payload.checkClaims(imageDigest: digest, requiredAnnotations: ["env": "prod"])
        let other = Digest.of(Data("other".utf8))
        #expect(throws: CosignError("payload docker-manifest-digest \(digest) is not the image digest \(other)")) {
            try payload.checkClaims(imageDigest: other, requiredAnnotations: [:])
        }
        #expect(throws: CosignError("annotation env=dev is required but the payload's optional annotations have env=prod")) {
            try payload.checkClaims(imageDigest: digest, requiredAnnotations: ["env": "dev"])
        }
        #expect(throws: CosignError("annotation team=x is required but the payload's optional annotations lack team")) {
            try payload.checkClaims(imageDigest: digest, requiredAnnotations: ["team": "x"])
        }
        var wrongType = payload
        wrongType.type = "atomic container signature"
        #expect(throws: CosignError("payload critical.type is \"atomic container signature\", not \"cosign container image signature\"")) {
            try wrongType.checkClaims(imageDigest: digest, requiredAnnotations: [:])
        }
    }

    @Test func aRequiredKeyMatchesOnlyTheSameScalars() throws {
        // U+212A KELVIN SIGN is canonically equivalent to "K": equal for Swift's ==, not for Go.
        let payload = SimpleSigningPayload(dockerReference: "r.example/a", manifestDigest: digest, annotations: ["\u{212A}ind": "x"])
        #expect(throws: CosignError("annotation Kind=x is required but the payload's optional annotations lack Kind")) {
            try payload.checkClaims(imageDigest: digest, requiredAnnotations: ["Kind": "x"])
        }
        try payload.checkClaims(imageDigest: digest, requiredAnnotations: ["\u{212A}ind": "x"])
    }

    @Test func aNumberIsNotTheStringOfItsDigits() throws {
        let text = #"{"critical":{"identity":{"docker-reference":"r/a"},"image":{"docker-manifest-digest":"\#(digest)"},"type":"cosign container image signature"},"optional":{"n":1}}"#
        let payload = try SimpleSigningPayload(json: Data(text.utf8))
        #expect(throws: CosignError("annotation n=1 is required but the payload's optional annotations have n=1")) {
            try payload.checkClaims(imageDigest: digest, requiredAnnotations: ["n": "1"])
        }
    }
}

@Suite("Repository names")
struct RepositoryNameTests {
    @Test(arguments: [
        ("ubuntu", "index.docker.io/library/ubuntu"),
        ("ubuntu:22.04", "index.docker.io/library/ubuntu"),
        ("docker.io/x/y", "index.docker.io/x/y"),
        ("registry.example/team/app:v1", "registry.example/team/app"),
        ("localhost:5000/app@sha256:abcd", "localhost:5000/app"),
        ("localhost/app", "localhost/app"),
        ("127.0.0.1:5055/e2e/app", "127.0.0.1:5055/e2e/app"),
    ])
    func normalisesLikeGoContainerRegistry(input: String, expected: String) throws {
        #expect(try RepositoryName(parsing: input).name == expected)
    }

    @Test(arguments: ["Registry.example/Team/App", "r.example/", "r.example//a", ""])
    func refusesInvalidNames(input: String) {
        #expect(throws: CosignError.self) { try RepositoryName(parsing: input) }
    }
}
