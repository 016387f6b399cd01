import AirlockCrypto
import Foundation
import Testing

@Suite struct SignedCertificateTimestampTests {
    let pki: TestPKI
    let logKey: PrivateKey
    let otherLogKey: PrivateKey

    init() throws {
        pki = try TestPKI()
        logKey = try PrivateKey.generateP256()
        otherLogKey = try PrivateKey.generateP256()
    }

    func leaf(extensions: Data = Data()) throws -> Certificate {
        var builder = try pki.fulcioLeaf(key: try PrivateKey.generateP256())
        builder.embedSCT(logKey: logKey, timestamp: TestPKI.now + 0.25, extensions: extensions)
        builder.embedSCT(logKey: otherLogKey, timestamp: TestPKI.now + 1)
        return try builder.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
    }

    @Test func embeddedSCTsVerifyWithTheirLogKeys() throws {
        let leaf = try leaf(extensions: Data([1, 2, 3]))
        #expect(leaf.extensions.last?.oid == SignedCertificateTimestamp.extensionOID)
        let scts = try leaf.signedCertificateTimestamps()
        #expect(scts.count == 2)
        let first = try #require(scts.first)
        #expect(first.version == 0 && first.hashAlgorithm == 4 && first.signatureAlgorithm == 3)
        #expect(first.logID == logKey.publicKey.spkiSHA256)
        #expect(first.timestamp == 1_700_000_000_250)
        #expect(first.date == TestPKI.now + 0.25)
        #expect(first.extensions == Data([1, 2, 3]))
        try first.verify(leaf: leaf, issuer: pki.intermediate, logKey: logKey.publicKey)
        try scts[1].verify(leaf: leaf, issuer: pki.intermediate, logKey: otherLogKey.publicKey)
        // The chain still validates with the SCT list present.
        #expect(try pki.codeSigningValidator().validate(leaf, at: TestPKI.now).count == 3)
    }

    @Test func wrongLogKeyWrongIssuerAndTamperingFail() throws {
        let leaf = try leaf()
        let sct = try #require(leaf.signedCertificateTimestamps().first)
        let wrongKey = #expect(throws: CryptoError.self) {
            try sct.verify(leaf: leaf, issuer: pki.intermediate, logKey: otherLogKey.publicKey)
        }
        #expect(wrongKey?.message.contains("does not verify with the CT log key") == true)
        #expect(throws: CryptoError.self) { try sct.verify(leaf: leaf, issuer: pki.root, logKey: logKey.publicKey) }
        for tampered in [
            SignedCertificateTimestamp(logID: sct.logID, timestamp: sct.timestamp + 1, signature: sct.signature),
            SignedCertificateTimestamp(logID: sct.logID, timestamp: sct.timestamp, extensions: Data([0]), signature: sct.signature),
            SignedCertificateTimestamp(logID: sct.logID, timestamp: sct.timestamp, signature: Data(sct.signature.dropLast())),
        ] {
            #expect(throws: CryptoError.self) { try tampered.verify(leaf: leaf, issuer: pki.intermediate, logKey: logKey.publicKey) }
        }
        let rsaSigned = SignedCertificateTimestamp(logID: sct.logID, timestamp: sct.timestamp, signatureAlgorithm: 1, signature: sct.signature)
        let mismatch = #expect(throws: CryptoError.self) { try rsaSigned.verify(leaf: leaf, issuer: pki.intermediate, logKey: logKey.publicKey) }
        #expect(mismatch?.message.contains("but the CT log key is ECDSA P-256") == true)
        let future = SignedCertificateTimestamp(version: 1, logID: sct.logID, timestamp: sct.timestamp, signature: sct.signature)
        #expect(throws: CryptoError.self) { try future.verify(leaf: leaf, issuer: pki.intermediate, logKey: logKey.publicKey) }
    }

    /// The SCT is over the certificate as issued, so any other certificate with the same
    /// SCT list (here: another leaf's) does not verify.
    @Test func sctDoesNotTransferToAnotherCertificate() throws {
        let one = try leaf()
        let two = try leaf()
        let sct = try #require(one.signedCertificateTimestamps().first)
        #expect(throws: CryptoError.self) { try sct.verify(leaf: two, issuer: pki.intermediate, logKey: logKey.publicKey) }
    }

    @Test func onlySHA256LogKeysCanEmbed() throws {
        var builder = try pki.fulcioLeaf(key: try PrivateKey.generateP256())
        builder.embedSCT(logKey: try TestPKI.p384Key(), timestamp: TestPKI.now)
        #expect(throws: CryptoError.self) { try builder.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey) }
    }

    /// OpenSSL's own certificate printer decodes the embedded list as written.
    @Test(.enabled(if: OpenSSLCommand.isAvailable)) func opensslReadsTheEmbeddedList() throws {
        let leaf = try leaf(extensions: Data([0xAB]))
        let directory = try OpenSSLCommand.directory(["leaf.pem": Data(leaf.pem.utf8)])
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try OpenSSLCommand.run(["x509", "-in", "leaf.pem", "-noout", "-text"], in: directory).output
        #expect(text.components(separatedBy: "Signed Certificate Timestamp:").count == 3)
        #expect(text.contains("Nov 14 22:13:20.250 2023 GMT"))
        #expect(text.contains("Extensions: AB"))
        #expect(text.contains("ecdsa-with-SHA256"))
        let logID = logKey.publicKey.spkiSHA256.prefix(4).map { String(format: "%02X", $0) }.joined(separator: ":")
        #expect(text.contains(logID))
    }

    /// Python's `cryptography` derives the precertificate TBS on its own and verifies the SCT
    /// that `CertificateBuilder` embedded.
    @Test(.enabled(if: PythonCryptography.isAvailable)) func pythonCryptographyVerifiesTheSCT() throws {
        let leaf = try leaf(extensions: Data([9, 9]))
        let directory = try OpenSSLCommand.directory(["leaf.pem": Data(leaf.pem.utf8), "issuer.pem": Data(pki.intermediate.pem.utf8),
                                                      "log.pem": Data(logKey.publicKey.pem.utf8)])
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = """
            import calendar, hashlib
            from cryptography import x509
            from cryptography.hazmat.primitives import hashes, serialization
            from cryptography.hazmat.primitives.asymmetric import ec
            leaf = x509.load_pem_x509_certificate(open("leaf.pem", "rb").read())
            issuer = x509.load_pem_x509_certificate(open("issuer.pem", "rb").read())
            key = serialization.load_pem_public_key(open("log.pem", "rb").read())
            spki = lambda k: k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
            tbs = leaf.tbs_precertificate_bytes
            verified = 0
            for sct in leaf.extensions.get_extension_for_class(x509.PrecertificateSignedCertificateTimestamps).value:
                if sct.log_id != hashlib.sha256(spki(key)).digest():
                    continue
                t = sct.timestamp
                ms = calendar.timegm(t.timetuple()) * 1000 + t.microsecond // 1000
                ext = sct.extension_bytes
                data = (b"\\x00\\x00" + ms.to_bytes(8, "big") + b"\\x00\\x01" + hashlib.sha256(spki(issuer.public_key())).digest()
                        + len(tbs).to_bytes(3, "big") + tbs + len(ext).to_bytes(2, "big") + ext)
                key.verify(sct.signature, data, ec.ECDSA(hashes.SHA256()))
                verified += 1
            print("verified", verified)
            """
        let result = try PythonCryptography.run(script, in: directory)
        #expect(result.status == 0 && result.output.contains("verified 1"), "\(result.output)")
    }
}
