import AirlockCrypto
import Foundation
import Testing

@Suite struct TimestampTokenTests {
    let pki: TestPKI
    let tsaKey: PrivateKey
    let tsaLeaf: Certificate
    let issuer: TimestampIssuer
    let message = Data("signature bytes".utf8)
    let genTime = TestPKI.now + 0.125

    init() throws {
        pki = try TestPKI()
        tsaKey = try PrivateKey.generateP256()
        tsaLeaf = try pki.tsaLeaf(key: tsaKey).issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        issuer = try TimestampIssuer(certificate: tsaLeaf, key: tsaKey, chain: [pki.intermediate])
    }

    /// The trusted root's view of this TSA: leaf, intermediate, root.
    var authority: TimestampAuthorityChain {
        get throws { try TimestampAuthorityChain(chain: [tsaLeaf, pki.intermediate, pki.root]) }
    }

    func failure(_ token: TimestampToken, message: Data? = nil, authority: TimestampAuthorityChain? = nil) throws -> String {
        do {
            try token.verify(message: message ?? self.message, authority: authority ?? self.authority)
            return "verified"
        } catch {
            return "\(error)"
        }
    }

    @Test func issuedTokenReadsBackAndVerifies() throws {
        let der = try issuer.timestamp(message, at: genTime, serialNumber: Data([0x0A, 0xBC]), nonce: Data([0x01, 0x02, 0x03]))
        let token = try TimestampToken(der: der)
        #expect(token.der == der)
        #expect(token.genTime == genTime)
        #expect(token.hashAlgorithm == .sha256)
        #expect(token.messageImprint == Digest.of(message).bytes)
        #expect(token.policy == "1.3.6.1.4.1.57264.2")
        #expect(token.serialNumber == Data([0x0A, 0xBC]))
        #expect(token.nonce == Data([0x01, 0x02, 0x03]))
        #expect(token.tsaName == "CN=Test TSA,O=airlock tests")
        #expect(token.certificates.count == 2 && token.certificates.contains(tsaLeaf) && token.certificates.contains(pki.intermediate))
        #expect(try token.verify(message: message, authority: authority) == genTime)
        // Without a configured leaf the embedded signer certificate is used.
        #expect(try token.verify(message: message, authority: TimestampAuthorityChain(root: pki.root, intermediates: [pki.intermediate])) == genTime)
        // The embedded intermediate suffices when none is configured.
        #expect(try token.verify(message: message, authority: TimestampAuthorityChain(root: pki.root)) == genTime)
    }

    @Test func authorityChainFromTrustedRootOrder() throws {
        let full = try authority
        #expect(full.leaf == tsaLeaf && full.intermediates == [pki.intermediate] && full.root == pki.root)
        let noLeaf = try TimestampAuthorityChain(chain: [pki.intermediate, pki.root])
        #expect(noLeaf.leaf == nil && noLeaf.intermediates == [pki.intermediate])
        #expect(throws: CryptoError.self) { try TimestampAuthorityChain(chain: []) }
    }

    @Test func imprintMismatch() throws {
        let token = try TimestampToken(der: issuer.timestamp(message, at: genTime))
        #expect(try failure(token, message: Data("other".utf8)) == "timestamp message imprint does not match the sha256 of the timestamped bytes")
    }

    @Test func wrongRoot() throws {
        let token = try TimestampToken(der: issuer.timestamp(message, at: genTime))
        let other = try TestPKI()
        let result = try failure(token, authority: TimestampAuthorityChain(root: other.root))
        #expect(result.hasPrefix("TSA certificate chain at genTime 2023-11-14T22:13:20.125Z: unable to get the issuer \"CN=Test Root,O=airlock tests\""), "\(result)")
    }

    @Test func genTimeOutsideLeafValidity() throws {
        let late = try TimestampToken(der: issuer.timestamp(message, at: tsaLeaf.notAfter + 1))
        #expect(try failure(late).contains("TSA certificate chain at genTime 2024-02-22T22:13:21Z: the leaf certificate expired at 2024-02-22T22:13:20Z"))
        let early = try TimestampToken(der: issuer.timestamp(message, at: tsaLeaf.notBefore - 0.5))
        #expect(try failure(early).contains("the leaf certificate is not valid before"))
        let edge = try TimestampToken(der: issuer.timestamp(message, at: tsaLeaf.notAfter))
        #expect(try failure(edge) == "verified")
    }

    @Test func nonGrantedStatusesAreRejected() throws {
        for status in [TimestampStatus.grantedWithModifications, .rejection, .waiting, .revocationWarning, .revocationNotification] {
            let der = try issuer.timestamp(message, at: genTime, status: status)
            let error = #expect(throws: CryptoError.self) { try TimestampToken(der: der) }
            #expect(error?.message == "timestamp response status is \(status) (\(status.rawValue)), not granted")
        }
    }

    @Test func malformedResponses() throws {
        let der = try issuer.timestamp(message, at: genTime)
        #expect(throws: CryptoError.self) { try TimestampToken(der: der + Data([0])) }
        #expect(throws: CryptoError.self) { try TimestampToken(der: Data(der.dropLast())) }
        #expect(throws: CryptoError.self) { try TimestampToken(der: Data()) }
        #expect(throws: CryptoError.self) { try TimestampToken(der: pki.root.der) }
    }

    /// DER sorts a SET OF (X.690 §11.6): strict readers refuse embedded certificates in another order.
    @Test func embeddedCertificatesAreInDEROrder() throws {
        for chain in [[pki.intermediate, pki.root], [pki.root, pki.intermediate]] {
            var withRoot = issuer
            withRoot.chain = chain
            let token = try TimestampToken(der: withRoot.timestamp(message, at: genTime))
            let expected = [tsaLeaf, pki.intermediate, pki.root].map(\.der).sorted { $0.lexicographicallyPrecedes($1) }
            #expect(token.certificates.map(\.der) == expected)
            #expect(try failure(token) == "verified")
        }
    }

    @Test func tamperedSignatureFailsInOpenSSL() throws {
        var der = try issuer.timestamp(message, at: genTime)
        // The last bytes are the ECDSA signature's s value.
        der[der.count - 2] ^= 0x01
        let token = try TimestampToken(der: der)
        #expect(try failure(token).hasPrefix("timestamp signature does not verify"))
    }

    @Test func tokenWithoutCertificatesUsesTheConfiguredLeaf() throws {
        var bare = issuer
        bare.embedsCertificates = false
        let token = try TimestampToken(der: bare.timestamp(message, at: genTime))
        #expect(token.certificates.isEmpty)
        #expect(try failure(token) == "verified")
        #expect(try failure(token, authority: TimestampAuthorityChain(root: pki.root, intermediates: [pki.intermediate]))
            == "timestamp embeds no certificate and the TSA has no leaf certificate configured")
        let otherKey = try PrivateKey.generateP256()
        let otherLeaf = try pki.tsaLeaf(key: otherKey).issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        #expect(try failure(token, authority: TimestampAuthorityChain(root: pki.root, intermediates: [pki.intermediate], leaf: otherLeaf))
            == "the timestamp's signer is neither an embedded certificate nor the configured TSA leaf")
    }

    @Test func signerMustBeTheConfiguredLeaf() throws {
        let otherKey = try PrivateKey.generateP256()
        let otherLeaf = try pki.tsaLeaf(key: otherKey).issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        let token = try TimestampToken(der: issuer.timestamp(message, at: genTime))
        #expect(try failure(token, authority: TimestampAuthorityChain(root: pki.root, intermediates: [pki.intermediate], leaf: otherLeaf))
            .hasPrefix("timestamp was signed by certificate \"CN=Test TSA,O=airlock tests\""))
    }

    /// OpenSSL will not sign with a certificate whose time-stamping EKU is not critical, so the
    /// token comes from a twin certificate (same key, issuer and serial, critical EKU) and the
    /// trusted root names the non-critical one: the Sigstore leaf rules must reject it.
    @Test func signerRulesOfSigstore() throws {
        var nonCritical = try pki.tsaLeaf(key: tsaKey)
        nonCritical.serialNumber = tsaLeaf.serialNumber
        nonCritical.isExtendedKeyUsageCritical = false
        let weakLeaf = try nonCritical.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        #expect(throws: CryptoError.self) { try TimestampIssuer(certificate: weakLeaf, key: tsaKey).timestamp(message, at: genTime) }
        var bare = issuer
        bare.embedsCertificates = false
        let token = try TimestampToken(der: bare.timestamp(message, at: genTime))
        let weak = TimestampAuthorityChain(root: pki.root, intermediates: [pki.intermediate], leaf: weakLeaf)
        #expect(try failure(token, authority: weak) == "the TSA signing certificate's extended key usage extension is not critical")

        var twoUsages = try pki.tsaLeaf(key: tsaKey)
        twoUsages.serialNumber = tsaLeaf.serialNumber
        twoUsages.extendedKeyUsages = [ExtendedKeyUsage.timeStamping, ExtendedKeyUsage.codeSigning]
        let loose = TimestampAuthorityChain(root: pki.root, intermediates: [pki.intermediate],
                                            leaf: try twoUsages.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey))
        #expect(try failure(token, authority: loose).hasPrefix("the TSA signing certificate must have exactly one extended key usage"))
    }

    @Test func intermediateMustAllowTimeStamping() throws {
        let restricted = try TestPKI(intermediateExtendedKeyUsages: [ExtendedKeyUsage.codeSigning])
        let leaf = try restricted.tsaLeaf(key: tsaKey).issue(issuer: restricted.intermediate, issuerKey: restricted.intermediateKey)
        let token = try TimestampToken(der: TimestampIssuer(certificate: leaf, key: tsaKey).timestamp(message, at: genTime))
        let result = try failure(token, authority: TimestampAuthorityChain(root: restricted.root, intermediates: [restricted.intermediate]))
        #expect(result.contains("restricts extended key usage to 1.3.6.1.5.5.7.3.3, which excludes time stamping"), "\(result)")
    }

    @Test func sha384AndSha512Imprints() throws {
        for algorithm in [DigestAlgorithm.sha384, .sha512] {
            var other = issuer
            other.hashAlgorithm = algorithm
            let token = try TimestampToken(der: other.timestamp(message, at: genTime))
            #expect(token.hashAlgorithm == algorithm)
            #expect(try failure(token) == "verified")
        }
    }

    /// `openssl ts -verify` accepts what `TimestampIssuer` produced, at genTime.
    @Test(.enabled(if: OpenSSLCommand.isAvailable)) func opensslVerifiesIssuedToken() throws {
        let der = try issuer.timestamp(message, at: genTime)
        let directory = try OpenSSLCommand.directory(["tsr.der": der, "message.bin": message, "root.pem": Data(pki.root.pem.utf8),
                                                      "intermediate.pem": Data(pki.intermediate.pem.utf8), "other.bin": Data("x".utf8)])
        defer { try? FileManager.default.removeItem(at: directory) }
        func verify(_ data: String) throws -> (status: Int32, output: String) {
            try OpenSSLCommand.run(["ts", "-verify", "-in", "tsr.der", "-data", data, "-CAfile", "root.pem",
                                    "-untrusted", "intermediate.pem", "-attime", String(Int(TestPKI.now.timeIntervalSince1970))],
                                   in: directory)
        }
        let good = try verify("message.bin")
        #expect(good.status == 0 && good.output.contains("Verification: OK"), "\(good.output)")
        #expect(try verify("other.bin").status != 0)
        let text = try OpenSSLCommand.run(["ts", "-reply", "-in", "tsr.der", "-text"], in: directory).output
        #expect(text.contains("Time stamp: Nov 14 22:13:20.125 2023 GMT"), "\(text)")
        #expect(text.contains("Policy OID: 1.3.6.1.4.1.57264.2"))
    }
}
