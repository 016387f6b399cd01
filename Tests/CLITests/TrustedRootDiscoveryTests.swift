import Foundation
import Testing

/// Key-based verification needs no trusted root, so a root that discovery finds but cannot
/// use (stale `SIGSTORE_TRUSTED_ROOT`, two cached roots, a corrupt cached root) is skipped
/// with a note; `--trusted-root` given explicitly, and keyless verification, still fail.
@Suite("trusted root discovery")
struct TrustedRootDiscoveryTests {
    typealias Fixture = SigningFixture

    let fixture: Fixture
    let home: URL

    init() throws {
        fixture = try SignatureRejectionTests.signed("both")
        home = fixture.scratch.url.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    }

    /// Writes `text` as `<home>/.sigstore/root/<repository>/targets/trusted_root.json`.
    private func cacheRoot(_ text: String, repository: String) throws {
        let targets = home.appendingPathComponent(".sigstore/root/\(repository)/targets")
        try FileManager.default.createDirectory(at: targets, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: targets.appendingPathComponent("trusted_root.json"))
    }

    private func run(_ arguments: [String], environment: [String: String]) throws -> AirlockProcess.Result {
        try AirlockProcess.run(arguments, environment: AirlockProcess.quietEnvironment(home: home.path).merging(environment) { _, new in new })
    }

    /// With each broken discovery, key-based `verify`, `inspect --key` and `verify-blob --key` pass.
    @Test(arguments: ["stale variable", "two cached roots", "corrupt cached root"])
    func keyVerificationIgnoresABrokenDiscoveredRoot(_ breakage: String) throws {
        var environment: [String: String] = [:]
        switch breakage {
        case "stale variable":
            environment["SIGSTORE_TRUSTED_ROOT"] = fixture.scratch.path("gone/trusted_root.json")
        case "two cached roots":
            try cacheRoot("{}", repository: "tuf-repo-cdn.sigstore.dev")
            try cacheRoot("{}", repository: "tuf-repo-cdn.sigstage.dev")
        default:
            try cacheRoot("{\"mediaType\":", repository: "tuf-repo-cdn.sigstore.dev")
        }
        let image = fixture.path + ":v1"
        let verified = try run(["verify", "--key", Fixture.examplePub, image], environment: environment)
        #expect(verified.status == 0, "\(breakage): \(verified)")
        #expect(verified.stdoutText.contains("PASS"), "\(verified.stdoutText)")
        #expect(verified.stderrLines.count == 1 && verified.stderrLines[0].hasPrefix("airlock: note: no trusted root used"), "\(verified)")
        let inspected = try run(["inspect", fixture.path, "--key", Fixture.examplePub], environment: environment)
        #expect(inspected.status == 0, "\(breakage): \(inspected)")
        try fixture.scratch.write("blob", "a blob\n")
        let signed = try AirlockProcess.run(["sign-blob", "--key", Fixture.exampleKey, "--bundle", fixture.scratch.path("blob.json"),
                                             fixture.scratch.path("blob")], environment: ["COSIGN_PASSWORD": Fixture.password])
        try #require(signed.status == 0, "\(signed)")
        let blob = try run(["verify-blob", "--key", Fixture.examplePub, "--bundle", fixture.scratch.path("blob.json"), fixture.scratch.path("blob")],
                           environment: environment)
        #expect(blob.status == 0, "\(breakage): \(blob)")

        // An explicit --trusted-root that cannot be read, and keyless verification, still fail.
        let explicit = try run(["verify", "--key", Fixture.examplePub, "--trusted-root", fixture.scratch.path("absent.json"), image],
                               environment: environment)
        #expect(explicit.status == 2 && explicit.isOneLineError, "\(explicit)")
        let keyless = try run(["verify", "--certificate-identity", "a@example.com", "--certificate-oidc-issuer", "https://issuer", image],
                              environment: environment)
        #expect(keyless.status == 2 && keyless.isOneLineError, "\(keyless)")
    }
}
