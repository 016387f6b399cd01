import AirlockCrypto
import Foundation
import KeyFixtures
import Testing

/// Signatures cross-checked with the independent Python oracle (Tests/interop/support/cosign_oracle.py),
/// which also decrypts the key files airlock writes. Runs when AIRLOCK_PYTHON names a python
/// with cryptography + pynacl (`make unit-tests` sets it).
@Suite(.enabled(if: PythonOracle.python != nil, "AIRLOCK_PYTHON is not set"))
struct OracleSignatureTests {
    static func makeKey(_ name: String) throws -> PrivateKey {
        let noPassword: () throws -> SecureBytes = { SecureBytes(utf8: "") }
        switch name {
        case "rsa-2048": return try PrivateKey(importingPEM: SecureBytes(utf8: try FixtureKey(.rsa(bits: 2048)).pkcs8PEM), password: noPassword)
        case "ed25519": return try PrivateKey(importingPEM: SecureBytes(utf8: try FixtureKey(.ed25519).pkcs8PEM), password: noPassword)
        default: return try PrivateKey.generateP256()
        }
    }

    @Test(arguments: ["ecdsa-p256", "rsa-2048", "ed25519"])
    func signaturesVerifyBothWays(name: String) throws {
        let key = try Self.makeKey(name)
        let password = "oracle-pw"
        let message = Data("signed by one, verified by the other\n".utf8)
        let dir = try OpenSSLCommand.directory([
            "k.key": Data(try CosignKeyFile(encrypting: key, password: SecureBytes(utf8: password)).pem.utf8),
            "k.pub": Data(key.publicKey.pem.utf8),
            "payload": message,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        let keyFile = dir.appendingPathComponent("k.key"), pubFile = dir.appendingPathComponent("k.pub")
        let payload = dir.appendingPathComponent("payload")
        let env = ["COSIGN_PASSWORD": password]

        // The oracle decrypts airlock's key file to the same public key.
        #expect(try PythonOracle.run(["pubkey", keyFile.path], environment: env) == Data(key.publicKey.pem.utf8))

        // Oracle signs (cosign's default scheme), airlock verifies; and the other way round.
        let oracleSignature = try PythonOracle.signature(["sign", keyFile.path, "--payload", payload.path], environment: env)
        #expect(key.publicKey.isValidSignature(oracleSignature, for: message, scheme: key.algorithm.defaultScheme))
        #expect(!key.publicKey.isValidSignature(oracleSignature, for: message + Data([0]), scheme: key.algorithm.defaultScheme))
        let ours = try key.sign(message).base64EncodedString()
        _ = try PythonOracle.run(["verify", "--pub", pubFile.path, "--payload", payload.path, "--sig", ours])

        if key.algorithm == .ed25519 {
            let prehashed = try PythonOracle.signature(["sign", keyFile.path, "--payload", payload.path, "--ed25519ph"],
                                                       environment: env)
            #expect(key.publicKey.isValidSignature(prehashed, for: message, scheme: .ed25519ph))
            #expect(!key.publicKey.isValidSignature(prehashed, for: message, scheme: .ed25519))
            let ph = try key.sign(message, scheme: .ed25519ph).base64EncodedString()
            _ = try PythonOracle.run(["verify", "--pub", pubFile.path, "--payload", payload.path, "--sig", ph, "--ed25519ph"])
        }
    }
}

/// Runs Tests/interop/support/cosign_oracle.py with `$AIRLOCK_PYTHON`.
enum PythonOracle {
    static var python: String? {
        guard let path = ProcessInfo.processInfo.environment["AIRLOCK_PYTHON"],
              FileManager.default.isExecutableFile(atPath: path) else { return nil }
        return path
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("interop/support/cosign_oracle.py")

    /// stdout of a successful run; a failing run is an error carrying its stderr.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(python))
        process.arguments = [script.path] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CryptoError("oracle \(arguments.first ?? "") failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return output
    }

    static func signature(_ arguments: [String], environment: [String: String]) throws -> Data {
        let text = String(decoding: try run(arguments, environment: environment), as: UTF8.self)
        return try #require(Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}
