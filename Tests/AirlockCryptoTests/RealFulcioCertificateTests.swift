import AirlockCrypto
import Foundation
import Testing

/// Real public-good Fulcio material from the conformance suite (skipped without ../shared).
@Suite(.enabled(if: SharedConformanceData.isAvailable))
struct RealFulcioCertificateTests {
    @Test func parsesFulcioLeaf() throws {
        let leaf = try SharedConformanceData.bundleLeaf("happy-path-v0.3")
        #expect(leaf.subject == "")
        #expect(leaf.issuer == "CN=sigstore-intermediate,O=sigstore.dev")
        #expect(leaf.serialNumberHex == "68bfedb264131e4db59add54ba4fb0edabc3073e")
        #expect(leaf.notBefore == ISO8601DateFormatter().date(from: "2024-03-19T17:26:26Z"))
        #expect(leaf.notAfter == ISO8601DateFormatter().date(from: "2024-03-19T17:36:26Z"))
        #expect(!leaf.isCA)
        #expect(leaf.publicKey.algorithm == .ecdsaP256)
        #expect(leaf.extendedKeyUsages == [ExtendedKeyUsage.codeSigning])
        #expect(!leaf.isExtendedKeyUsageCritical)
        #expect(leaf.subjectAlternativeNames == [.uri("https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main")])
        let oids = leaf.extensions.map(\.oid)
        #expect(oids.first == "2.5.29.15")
        #expect(oids.last == SignedCertificateTimestamp.extensionOID)
        #expect(leaf.extensions.first { $0.oid == "2.5.29.17" }?.critical == true)
        #expect(leaf.extensionValue(oid: "1.3.6.1.4.1.57264.1.1") == Data("https://token.actions.githubusercontent.com".utf8))
        let issuer = try #require(leaf.extensionValue(oid: "1.3.6.1.4.1.57264.1.8"))
        #expect(try DER.decodeUTF8String(issuer) == "https://token.actions.githubusercontent.com")
        #expect(try Certificate(pem: leaf.pem) == leaf)
    }

    @Test func realChainValidatesAtSigningTime() throws {
        let leaf = try SharedConformanceData.bundleLeaf("happy-path-v0.3")
        let chain = try #require(SharedConformanceData.chains(SharedConformanceData.trustedRoot("happy-path-v0.3"), "certificateAuthorities").last)
        let validator = CertificateChainValidator(roots: [chain.last!], intermediates: Array(chain.dropLast()),
                                                  requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning)
        let signingTime = Date(timeIntervalSince1970: 1710869186)
        let validated = try validator.validate(leaf, at: signingTime)
        #expect(validated.count == chain.count + 1)
        #expect(validated.first == leaf)
        #expect(validated.last == chain.last)
        let late = #expect(throws: CryptoError.self) { try validator.validate(leaf, at: signingTime.addingTimeInterval(3600)) }
        #expect(late?.message.contains("expired at 2024-03-19T17:36:26Z") == true)
    }

    @Test func realSCTVerifiesAndTamperedDoesNot() throws {
        let leaf = try SharedConformanceData.bundleLeaf("happy-path-v0.3")
        let trustedRoot = try SharedConformanceData.trustedRoot("happy-path-v0.3")
        let chain = try #require(SharedConformanceData.chains(trustedRoot, "certificateAuthorities").last)
        let validator = CertificateChainValidator(roots: [chain.last!], intermediates: Array(chain.dropLast()),
                                                  requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning)
        let validated = try validator.validate(leaf, at: Date(timeIntervalSince1970: 1710869186))
        let scts = try leaf.signedCertificateTimestamps()
        #expect(scts.count == 1)
        let sct = try #require(scts.first)
        let logKey = try #require(SharedConformanceData.ctLogKeys(trustedRoot).first { $0.spkiSHA256 == sct.logID })
        #expect(sct.version == 0 && sct.hashAlgorithm == 4 && sct.signatureAlgorithm == 3)
        try sct.verify(leaf: leaf, issuer: validated[1], logKey: logKey)

        let tampered = SignedCertificateTimestamp(logID: sct.logID, timestamp: sct.timestamp + 1,
                                                  extensions: sct.extensions, signature: sct.signature)
        #expect(throws: CryptoError.self) { try tampered.verify(leaf: leaf, issuer: validated[1], logKey: logKey) }
        // The issuer key hash is part of the signed data: the root is not the issuer.
        #expect(throws: CryptoError.self) { try sct.verify(leaf: leaf, issuer: validated[2], logKey: logKey) }
    }
}

extension RealFulcioCertificateTests {
    /// Every conformance leaf whose CT log is in its trusted root verifies, including staging
    /// certificates whose SCT carries extensions; `invalid-ct-key_fail` must not.
    @Test func everyConformanceSCT() throws {
        let cases = ["happy-path-v0.1", "happy-path-v0.3", "rekor2-happy-path", "rekor2-dsse-happy-path",
                     "intoto-with-custom-trust-root", "invalid-ct-key_fail"]
        var withExtensions = 0
        for name in cases {
            let leaf = try SharedConformanceData.bundleLeaf(name)
            let trustedRoot = try SharedConformanceData.trustedRoot(name)
            let chains = try SharedConformanceData.chains(trustedRoot, "certificateAuthorities")
            let validated = chains.lazy.compactMap { chain in
                try? CertificateChainValidator(roots: [chain.last!], intermediates: Array(chain.dropLast()),
                                               requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning)
                    .validate(leaf, at: leaf.notBefore)
            }.first
            let chain = try #require(validated, "\(name): no CA validates the leaf")
            let keys = SharedConformanceData.ctLogKeys(trustedRoot)
            var verified = 0
            for sct in try leaf.signedCertificateTimestamps() {
                if !sct.extensions.isEmpty { withExtensions += 1 }
                guard let key = keys.first(where: { $0.spkiSHA256 == sct.logID }) else { continue }
                if (try? sct.verify(leaf: leaf, issuer: chain[1], logKey: key)) != nil { verified += 1 }
            }
            #expect((verified > 0) == !name.hasSuffix("_fail"), "\(name)")
        }
        #expect(withExtensions >= 1, "a staging SCT carries extensions")
    }
}
