import AirlockCrypto
import Foundation

/// A small private PKI for tests: a root, an intermediate and leaves, all ECDSA P-256 (the
/// intermediate P-384, like Fulcio's), issued by `CertificateBuilder`.
struct TestPKI {
    /// 2023-11-14T22:13:20Z; every validity period is placed around it.
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    static let day: TimeInterval = 86_400

    let rootKey: PrivateKey
    let root: Certificate
    let intermediateKey: PrivateKey
    let intermediate: Certificate

    init(intermediateExtendedKeyUsages: [String] = [], intermediateNotAfter: Date = TestPKI.now + 300 * TestPKI.day) throws {
        rootKey = try PrivateKey.generateP256()
        root = try TestPKI.ca(name: "Test Root", key: rootKey, notAfter: TestPKI.now + 3650 * TestPKI.day).selfSign(with: rootKey)
        intermediateKey = try TestPKI.p384Key()
        var builder = try TestPKI.ca(name: "Test Intermediate", key: intermediateKey, notAfter: intermediateNotAfter)
        builder.basicConstraints = .init(isCA: true, pathLength: 0)
        builder.extendedKeyUsages = intermediateExtendedKeyUsages
        intermediate = try builder.issue(issuer: root, issuerKey: rootKey)
    }

    /// A fixed ECDSA P-384 test key (PKCS#8), since only P-256 keys are generated.
    static func p384Key() throws -> PrivateKey {
        let der = Data(base64Encoded: "MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDB1CYRq5/mnjy/YRJJIlcrSTpFFitoDdffj17SEB7ZEyxuu4pg5IeYZcfjLucb+9mChZANiAARlq6V0C1aRExVfjzX9U8o+d58TfFDiW2qVLNIbJH6l3AddDXjAqzqgHBzr93rLJQTdkSTaH0D2Hm7elBEHmsN3yOYNCDUnUFB8dne0tHIPKwGV5hUCLUJo9aAP/pdMssg=")!
        var bytes = [UInt8](der)
        return try PrivateKey(pkcs8DER: SecureBytes(wiping: &bytes))
    }

    static func ca(name: String, key: PrivateKey, notAfter: Date) throws -> CertificateBuilder {
        var builder = try CertificateBuilder(publicKey: key.publicKey, notBefore: now - 365 * day, notAfter: notAfter)
        builder.subjectOrganization = "airlock tests"
        builder.subjectCommonName = name
        builder.basicConstraints = .init(isCA: true, pathLength: 1)
        builder.keyUsage = [.keyCertSign, .cRLSign]
        return builder
    }

    /// A Fulcio-like leaf description: empty subject, 10 minutes of validity from `notBefore`,
    /// code signing, a critical URI SAN and the issuer extensions.
    func fulcioLeaf(key: PrivateKey, notBefore: Date = TestPKI.now - 60) throws -> CertificateBuilder {
        var builder = try CertificateBuilder(publicKey: key.publicKey, notBefore: notBefore, notAfter: notBefore + 600)
        builder.keyUsage = [.digitalSignature]
        builder.extendedKeyUsages = [ExtendedKeyUsage.codeSigning]
        builder.subjectAlternativeNames = [.uri("https://github.com/example/repo/.github/workflows/release.yml@refs/heads/main")]
        builder.extraExtensions = [
            .rawString(oid: "1.3.6.1.4.1.57264.1.1", "https://token.actions.githubusercontent.com"),
            .utf8String(oid: "1.3.6.1.4.1.57264.1.8", "https://token.actions.githubusercontent.com"),
        ]
        return builder
    }

    /// A TSA leaf description: critical time stamping EKU, digital signature.
    func tsaLeaf(key: PrivateKey, notAfter: Date = TestPKI.now + 100 * TestPKI.day) throws -> CertificateBuilder {
        var builder = try CertificateBuilder(publicKey: key.publicKey, notBefore: TestPKI.now - 100 * TestPKI.day, notAfter: notAfter)
        builder.subjectOrganization = "airlock tests"
        builder.subjectCommonName = "Test TSA"
        builder.keyUsage = [.digitalSignature]
        builder.extendedKeyUsages = [ExtendedKeyUsage.timeStamping]
        builder.isExtendedKeyUsageCritical = true
        return builder
    }

    func codeSigningValidator() -> CertificateChainValidator {
        CertificateChainValidator(roots: [root], intermediates: [intermediate], requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning)
    }
}
