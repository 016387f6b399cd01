import AirlockCrypto
import Foundation
import Testing

@Suite struct CertificateChainValidatorTests {
    let pki: TestPKI
    let leaf: Certificate

    init() throws {
        pki = try TestPKI()
        leaf = try pki.fulcioLeaf(key: try PrivateKey.generateP256()).issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
    }

    func failure(_ validator: CertificateChainValidator, _ leaf: Certificate, at date: Date = TestPKI.now) -> String {
        do {
            _ = try validator.validate(leaf, at: date)
            return "validated"
        } catch {
            return "\(error)"
        }
    }

    @Test func validChainLeafFirst() throws {
        #expect(try pki.codeSigningValidator().validate(leaf, at: TestPKI.now) == [leaf, pki.intermediate, pki.root])
    }

    @Test func validityIsInclusiveAtBothEndsToTheSubsecond() throws {
        let validator = pki.codeSigningValidator()
        #expect(try validator.validate(leaf, at: leaf.notBefore).count == 3)
        #expect(try validator.validate(leaf, at: leaf.notAfter).count == 3)
        #expect(failure(validator, leaf, at: leaf.notAfter + 0.5).contains("the leaf certificate expired at 2023-11-14T22:22:20Z, before the validation time 2023-11-14T22:22:20.500Z"))
        #expect(failure(validator, leaf, at: leaf.notBefore - 0.5).contains("the leaf certificate is not valid before 2023-11-14T22:12:20Z"))
    }

    @Test func expiredAndNotYetValid() {
        let validator = pki.codeSigningValidator()
        #expect(failure(validator, leaf, at: TestPKI.now + 3600).contains("the leaf certificate expired at 2023-11-14T22:22:20Z, before the validation time 2023-11-14T23:13:20Z"))
        #expect(failure(validator, leaf, at: TestPKI.now - 3600).contains("the leaf certificate is not valid before 2023-11-14T22:12:20Z, after the validation time 2023-11-14T21:13:20Z"))
        // Absurd times are rejected, never a trap.
        for absurd in [Date.distantFuture, Date(timeIntervalSince1970: 1e18), Date(timeIntervalSince1970: -1e18)] {
            #expect(failure(validator, leaf, at: absurd) != "validated")
        }
    }

    @Test func expiredIntermediateIsNamed() throws {
        let pki = try TestPKI(intermediateNotAfter: TestPKI.now - 120)
        let leaf = try pki.fulcioLeaf(key: try PrivateKey.generateP256(), notBefore: TestPKI.now - 180)
            .issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        #expect(failure(pki.codeSigningValidator(), leaf, at: TestPKI.now - 60).contains("certificate \"CN=Test Intermediate,O=airlock tests\" expired at"))
    }

    @Test func unknownIssuer() throws {
        let other = try TestPKI()
        let noIntermediate = CertificateChainValidator(roots: [pki.root], requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning)
        #expect(failure(noIntermediate, leaf).contains("unable to get the issuer \"CN=Test Intermediate,O=airlock tests\" of the leaf certificate"))
        // An intermediate is never an anchor unless passed as a root.
        let wrongRoot = CertificateChainValidator(roots: [other.root], intermediates: [pki.intermediate],
                                                  requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning)
        #expect(failure(wrongRoot, leaf).contains("unable to get the issuer \"CN=Test Root,O=airlock tests\" of certificate \"CN=Test Intermediate"))
        #expect(failure(CertificateChainValidator(roots: [], requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning), leaf)
            .contains("no trusted root"))
    }

    @Test func anyRootIsAnAnchor() throws {
        let validator = CertificateChainValidator(roots: [pki.intermediate], requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning)
        #expect(try validator.validate(leaf, at: TestPKI.now) == [leaf, pki.intermediate])
    }

    @Test func selfSignedLeafIsNotTrusted() throws {
        let key = try PrivateKey.generateP256()
        var builder = try pki.fulcioLeaf(key: key)
        builder.subjectCommonName = "self"
        let selfSigned = try builder.selfSign(with: key)
        #expect(failure(pki.codeSigningValidator(), selfSigned).contains("is self-signed and not a trusted root"))
    }

    @Test func leafExtendedKeyUsage() throws {
        let key = try PrivateKey.generateP256()
        var wrong = try pki.fulcioLeaf(key: key)
        wrong.extendedKeyUsages = [ExtendedKeyUsage.timeStamping]
        let timeStamping = try wrong.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        #expect(failure(pki.codeSigningValidator(), timeStamping).contains("the leaf certificate does not allow code signing (1.3.6.1.5.5.7.3.3); it allows 1.3.6.1.5.5.7.3.8"))
        var none = try pki.fulcioLeaf(key: key)
        none.extendedKeyUsages = []
        let withoutUsage = try none.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        #expect(failure(pki.codeSigningValidator(), withoutUsage).contains("has no extended key usage extension"))
        var any = try pki.fulcioLeaf(key: key)
        any.extendedKeyUsages = [ExtendedKeyUsage.any]
        #expect(try pki.codeSigningValidator().validate(any.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey), at: TestPKI.now).count == 3)
    }

    @Test func intermediateExtendedKeyUsage() throws {
        for (usages, allowed) in [([ExtendedKeyUsage.timeStamping], false), ([ExtendedKeyUsage.codeSigning], true),
                                  ([ExtendedKeyUsage.any], true), ([ExtendedKeyUsage.timeStamping, ExtendedKeyUsage.codeSigning], true)] {
            let pki = try TestPKI(intermediateExtendedKeyUsages: usages)
            let leaf = try pki.fulcioLeaf(key: try PrivateKey.generateP256()).issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
            let result = failure(pki.codeSigningValidator(), leaf)
            if allowed {
                #expect(result == "validated", "\(usages)")
            } else {
                #expect(result.contains("certificate \"CN=Test Intermediate,O=airlock tests\" restricts extended key usage to 1.3.6.1.5.5.7.3.8, which excludes code signing"))
            }
        }
    }

    @Test func unknownCriticalExtensionIsRejected() throws {
        var builder = try pki.fulcioLeaf(key: try PrivateKey.generateP256())
        builder.extraExtensions.append(CertificateExtension(oid: "1.3.6.1.4.1.99999.1", critical: true, value: DER.encodeUTF8String("x")))
        let leaf = try builder.issue(issuer: pki.intermediate, issuerKey: pki.intermediateKey)
        #expect(failure(pki.codeSigningValidator(), leaf).contains("unhandled critical extension (the leaf certificate)"))
    }

    @Test func nonCAIntermediateIsRejected() throws {
        let key = try PrivateKey.generateP256()
        var builder = try TestPKI.ca(name: "Not a CA", key: key, notAfter: TestPKI.now + 10 * TestPKI.day)
        builder.basicConstraints = .init(isCA: false)
        builder.keyUsage = [.digitalSignature]
        let notCA = try builder.issue(issuer: pki.root, issuerKey: pki.rootKey)
        let leaf = try pki.fulcioLeaf(key: try PrivateKey.generateP256()).issue(issuer: notCA, issuerKey: key)
        let validator = CertificateChainValidator(roots: [pki.root], intermediates: [notCA], requiredExtendedKeyUsage: ExtendedKeyUsage.codeSigning)
        #expect(failure(validator, leaf).contains("invalid CA certificate (certificate \"CN=Not a CA,O=airlock tests\")"))
    }
}
