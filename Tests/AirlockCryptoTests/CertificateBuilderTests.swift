import AirlockCrypto
import Foundation
import Testing

@Suite struct CertificateBuilderTests {
    @Test func issuedLeafReadsBackFieldByField() throws {
        let pki = try TestPKI()
        let key = try PrivateKey.generateP256()
        var builder = try pki.fulcioLeaf(key: key)
        builder.serialNumber = Data([0x00, 0x12, 0x34])
        builder.subjectAlternativeNames = [
            .uri("https://example.com/id"),
            .email("signer@example.com"),
            .dns("build.example.com"),
            .ipAddress("192.0.2.7"),
            .ipAddress("2001:db8::1"),
            .otherName(oid: SubjectAlternativeName.fulcioUsernameOID, utf8Value: "héllo-user"),
            .ipAddress("::ffff:198.51.100.1"),
        ]
        let leaf = try builder.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)

        #expect(leaf.subject == "")
        #expect(leaf.issuer == "CN=Test Intermediate,O=airlock tests")
        #expect(leaf.serialNumber == Data([0x12, 0x34]))
        #expect(leaf.serialNumberHex == "1234")
        #expect(leaf.notBefore == TestPKI.now - 60)
        #expect(leaf.notAfter == TestPKI.now + 540)
        #expect(leaf.isValid(at: leaf.notBefore) && leaf.isValid(at: leaf.notAfter) && !leaf.isValid(at: leaf.notAfter + 0.001))
        #expect(!leaf.isCA && leaf.pathLengthConstraint == nil)
        #expect(leaf.publicKey == key.publicKey)
        #expect(leaf.extendedKeyUsages == [ExtendedKeyUsage.codeSigning])
        #expect(leaf.hasExtendedKeyUsage && !leaf.isExtendedKeyUsageCritical)
        #expect(leaf.subjectAlternativeNames == builder.subjectAlternativeNames.dropLast() + [.ipAddress("198.51.100.1")])
        #expect(leaf.subjectAlternativeNames.map(\.value) == ["https://example.com/id", "signer@example.com", "build.example.com",
                                                              "192.0.2.7", "2001:db8::1", "héllo-user", "198.51.100.1"])
        #expect(leaf.subjectAlternativeNames.map(\.description).dropLast().last == "otherName:1.3.6.1.4.1.57264.1.7:héllo-user")
        #expect(leaf.extensions.map(\.oid) == ["2.5.29.15", "2.5.29.37", "2.5.29.14", "2.5.29.35", "2.5.29.17",
                                               "1.3.6.1.4.1.57264.1.1", "1.3.6.1.4.1.57264.1.8"])
        #expect(leaf.extensions.map(\.critical) == [true, false, false, false, true, false, false])
        #expect(leaf.extensionValue(oid: "1.3.6.1.4.1.57264.1.1") == Data("https://token.actions.githubusercontent.com".utf8))
        #expect(try DER.decodeUTF8String(#require(leaf.extensionValue(oid: "1.3.6.1.4.1.57264.1.8"))) == "https://token.actions.githubusercontent.com")
        #expect(leaf.extensionValue(oid: "1.2.3") == nil)
        #expect(leaf.authorityKeyIdentifier == pki.intermediate.subjectKeyIdentifier)
        #expect(leaf.subjectKeyIdentifier?.count == 20)
        #expect(try leaf.signedCertificateTimestamps().isEmpty)

        #expect(pki.intermediate.isCA && pki.intermediate.pathLengthConstraint == 0)
        #expect(pki.root.subject == "CN=Test Root,O=airlock tests" && pki.root.issuer == pki.root.subject)
        #expect(pki.root.authorityKeyIdentifier == pki.root.subjectKeyIdentifier)
        #expect(pki.intermediate.publicKey.algorithm == .ecdsaP384)
    }

    @Test func derAndPEMRoundTrip() throws {
        let pki = try TestPKI()
        #expect(try Certificate(der: pki.intermediate.der) == pki.intermediate)
        #expect(try Certificate(pem: pki.intermediate.pem) == pki.intermediate)
        let chain = try Certificate.parseAll(pem: pki.intermediate.pem + "comment between blocks\n" + pki.root.pem)
        #expect(chain == [pki.intermediate, pki.root])
        #expect(throws: CryptoError.self) { try Certificate(der: pki.root.der + Data([0])) }
        #expect(throws: CryptoError.self) { try Certificate(der: Data(pki.root.der.dropLast())) }
        #expect(throws: CryptoError.self) { try Certificate.parseAll(pem: "") }
        #expect(throws: CryptoError.self) { try Certificate.parseAll(pem: pki.root.pem + pki.rootKey.publicKey.pem) }
    }

    @Test func rejectsRepeatedExtensionsAndBadInput() throws {
        let pki = try TestPKI()
        let key = try PrivateKey.generateP256()
        var repeated = try pki.fulcioLeaf(key: key)
        repeated.extraExtensions.append(.rawString(oid: "1.3.6.1.4.1.57264.1.1", "again"))
        let error = #expect(throws: CryptoError.self) { try repeated.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey) }
        #expect(error?.message.contains("repeats extension 1.3.6.1.4.1.57264.1.1") == true)

        var badOID = try pki.fulcioLeaf(key: key)
        badOID.extendedKeyUsages = ["codeSigning"]
        #expect(throws: CryptoError.self) { try badOID.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey) }
        #expect(throws: CryptoError.self) { try pki.fulcioLeaf(key: key).issue(issuer: pki.intermediate, issuerKey: pki.rootKey) }
        var noValue = try pki.fulcioLeaf(key: key)
        noValue.subjectAlternativeNames = [.otherName(oid: "1.2.3.4", utf8Value: nil)]
        #expect(throws: CryptoError.self) { try noValue.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey) }
    }

    @Test func derStringHelpers() throws {
        let text = String(repeating: "é", count: 100)
        let encoded = DER.encodeUTF8String(text)
        #expect(encoded.prefix(3) == Data([0x0C, 0x81, 200]))
        #expect(try DER.decodeUTF8String(encoded) == text)
        #expect(throws: CryptoError.self) { try DER.decodeUTF8String(encoded + Data([0])) }
        #expect(throws: CryptoError.self) { try DER.decodeUTF8String(Data([0x0C, 0x81, 0x01, 0x41])) }
        #expect(throws: CryptoError.self) { try DER.decodeUTF8String(Data([0x0C, 0x80, 0x41, 0x00, 0x00])) }
        #expect(throws: CryptoError.self) { try DER.decodeUTF8String(Data([0x13, 0x01, 0x41])) }
        #expect(throws: CryptoError.self) { try DER.decodeUTF8String(Data([0x0C, 0x02, 0xC3])) }
        #expect(throws: CryptoError.self) { try DER.decodeUTF8String(Data([0x0C, 0x01, 0xFF])) }
    }

    /// `openssl verify -attime` agrees with `CertificateChainValidator` on what was issued.
    @Test(.enabled(if: OpenSSLCommand.isAvailable)) func opensslVerifiesIssuedChain() throws {
        let pki = try TestPKI()
        let leaf = try pki.fulcioLeaf(key: try PrivateKey.generateP256()).issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        let directory = try OpenSSLCommand.directory(["root.pem": Data(pki.root.pem.utf8),
                                                      "intermediate.pem": Data(pki.intermediate.pem.utf8),
                                                      "leaf.pem": Data(leaf.pem.utf8)])
        defer { try? FileManager.default.removeItem(at: directory) }
        func verify(at date: Date) throws -> (status: Int32, output: String) {
            try OpenSSLCommand.run(["verify", "-attime", String(Int(date.timeIntervalSince1970)), "-CAfile", "root.pem",
                                    "-untrusted", "intermediate.pem", "leaf.pem"], in: directory)
        }
        let good = try verify(at: TestPKI.now)
        #expect(good.status == 0, "\(good.output)")
        #expect(try pki.codeSigningValidator().validate(leaf, at: TestPKI.now).count == 3)
        let late = try verify(at: TestPKI.now + 3600)
        #expect(late.status != 0 && late.output.contains("expired"))
        #expect(throws: CryptoError.self) { try pki.codeSigningValidator().validate(leaf, at: TestPKI.now + 3600) }
    }

    /// Subject alternative names of every kind read the same in OpenSSL's printer and here,
    /// both for a certificate issued here and for one issued by `openssl req`.
    @Test(.enabled(if: OpenSSLCommand.isAvailable)) func opensslAgreesOnSubjectAlternativeNames() throws {
        let pki = try TestPKI()
        var builder = try pki.fulcioLeaf(key: try PrivateKey.generateP256())
        builder.subjectAlternativeNames = [.uri("https://example.com/id"), .email("signer@example.com"), .dns("build.example.com"),
                                           .ipAddress("192.0.2.7"), .ipAddress("2001:db8::1"),
                                           .otherName(oid: SubjectAlternativeName.fulcioUsernameOID, utf8Value: "user")]
        let leaf = try builder.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        let config = """
            [req]
            distinguished_name=dn
            [dn]
            [ext]
            subjectAltName=critical,URI:https://example.org/x,otherName:1.3.6.1.4.1.57264.1.7;UTF8:openssl-user,IP:10.0.0.1
            """
        let directory = try OpenSSLCommand.directory(["leaf.pem": Data(leaf.pem.utf8), "san.cnf": Data(config.utf8)])
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try OpenSSLCommand.run(["x509", "-in", "leaf.pem", "-noout", "-text"], in: directory).output
        for expected in ["URI:https://example.com/id", "email:signer@example.com", "DNS:build.example.com", "IP Address:192.0.2.7",
                         "IP Address:2001:DB8:0:0:0:0:0:1", "othername: 1.3.6.1.4.1.57264.1.7::user", "Code Signing"] {
            #expect(text.contains(expected), "\(expected)")
        }
        let made = try OpenSSLCommand.run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                           "-keyout", "key.pem", "-subj", "/CN=openssl", "-config", "san.cnf",
                                           "-extensions", "ext", "-out", "made.pem"], in: directory)
        #expect(made.status == 0, "\(made.output)")
        let parsed = try Certificate(pem: String(decoding: Data(contentsOf: directory.appendingPathComponent("made.pem")), as: UTF8.self))
        #expect(parsed.subjectAlternativeNames == [.uri("https://example.org/x"),
                                                   .otherName(oid: SubjectAlternativeName.fulcioUsernameOID, utf8Value: "openssl-user"),
                                                   .ipAddress("10.0.0.1")])
        #expect(parsed.subject == "CN=openssl")
    }
}
