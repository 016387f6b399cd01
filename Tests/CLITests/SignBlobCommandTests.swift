import Foundation
import Testing

/// `airlock sign-blob`, checked by `airlock verify-blob` (the Sigstore verifier) and by
/// reading the outputs.
@Suite("airlock sign-blob")
struct SignBlobCommandTests {
    typealias Fixture = SigningFixture

    @Test func bundleAndSignatureVerifyWithTheKey() throws {
        let fixture = try Fixture()
        let file = fixture.scratch.path("artifact.txt")
        try fixture.scratch.write("artifact.txt", "release notes\n")
        let bundle = fixture.scratch.path("artifact.sigstore.json")
        let signature = fixture.scratch.path("artifact.sig")
        let signed = try fixture.run("sign-blob", "--key", Fixture.exampleKey, "--bundle", bundle, "--output-signature", signature, file)
        #expect(signed.status == 0, "\(signed)")
        #expect(signed.stderrLines == ["Wrote bundle to \(bundle)", "Wrote signature to \(signature)"])

        let json = try #require(try JSONSerialization.jsonObject(with: fixture.scratch.contents("artifact.sigstore.json")) as? [String: Any])
        #expect(json["mediaType"] as? String == "application/vnd.dev.sigstore.bundle.v0.3+json")
        let material = try #require(json["verificationMaterial"] as? [String: Any])
        #expect(material.keys.sorted() == ["publicKey"], "no transparency-log entry offline")
        let message = try #require(json["messageSignature"] as? [String: Any])
        #expect((message["messageDigest"] as? [String: Any])?["algorithm"] as? String == "SHA2_256")
        let signatureText = String(decoding: try fixture.scratch.contents("artifact.sig"), as: UTF8.self)
        #expect(signatureText == message["signature"] as? String, "the signature file is the bundle's signature in base64, no newline")

        #expect(try AirlockProcess.run(["verify-blob", "--key", Fixture.examplePub, "--bundle", bundle, file]).status == 0)
        #expect(try AirlockProcess.run(["verify-blob", "--key", Fixture.examplePub, "--signature", signature, file]).status == 0)
        try fixture.scratch.write("artifact.txt", "release notes, edited\n")
        let tampered = try AirlockProcess.run(["verify-blob", "--key", Fixture.examplePub, "--bundle", bundle, file])
        #expect(tampered.status == 1)
        #expect(tampered.isOneLineError)
    }

    @Test func anOutputIsRequired() throws {
        let fixture = try Fixture()
        try fixture.scratch.write("a", "a")
        let outcome = try fixture.run("sign-blob", "--key", Fixture.exampleKey, fixture.scratch.path("a"))
        #expect(outcome.isUsageError("sign-blob"), "\(outcome)")
        #expect(outcome.stderrText.contains("--bundle FILE and/or --output-signature FILE"))
        let missing = try fixture.run("sign-blob", "--key", Fixture.exampleKey, "--bundle", fixture.scratch.path("b"), fixture.scratch.path("absent"))
        #expect(missing.status == 2)
        #expect(missing.isOneLineError)
        #expect(!FileManager.default.fileExists(atPath: fixture.scratch.path("b")))
    }
}
