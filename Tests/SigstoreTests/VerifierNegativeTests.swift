import AirlockCrypto
import Foundation
import Sigstore
import SigstoreTestKit
import Testing

/// One defect per case, each rejected by the check FORMATS.md §8 assigns it to.
@Suite("SigstoreVerifier: one defect, one failed check")
struct VerifierNegativeTests {
    private func expectRejected(_ result: VerificationResult, _ check: VerificationCheck, _ fragment: String = "",
                                sourceLocation: SourceLocation = #_sourceLocation) {
        guard let failure = result.failure else {
            Issue.record("verified, expected \(check)", sourceLocation: sourceLocation)
            return
        }
        #expect(failure.check == check, "\(failure)", sourceLocation: sourceLocation)
        #expect(fragment.isEmpty || failure.reason.contains(fragment), "\(failure)", sourceLocation: sourceLocation)
    }

    // MARK: Policy and material

    @Test("Policy: no identity, or a certificate without a trusted root")
    func policy() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        expectRejected(KitVerification.verify(made, kit: kit, policy: .identities([])), .policy)
        let verifier = try SigstoreVerifier(trustedRoot: nil, options: .keyless(now: kit.verificationTime))
        expectRejected(verifier.verify(made.bundle, artifact: .bytes(made.artifact), policy: .identity(KitVerification.identity)),
                       .policy, "trusted root")
    }

    @Test("Material: a key policy meets a certificate, an identity policy meets a key")
    func material() throws {
        let kit = try PrivateSigstore()
        let keyless = try kit.makeBundle()
        expectRejected(KitVerification.verify(keyless, kit: kit, policy: .publicKey(keyless.signingKey.publicKey)),
                       .verificationMaterial, "expected key signature, not certificate")
        let keyed = try kit.makeBundle(BundleRecipe().signed(by: try PrivateKey.generateP256()))
        expectRejected(KitVerification.verify(keyed, kit: kit, options: .keyless(now: kit.verificationTime),
                                              policy: .identity(KitVerification.identity)), .verificationMaterial)
        // Keyless thresholds with a key: no certificate carries the SCTs they require.
        expectRejected(KitVerification.verify(keyed, kit: kit, options: .keyless(now: kit.verificationTime)), .sct)
    }

    @Test("Bundle: a certificate that does not parse")
    func unparsableCertificate() throws {
        let kit = try PrivateSigstore()
        var made = try kit.makeBundle()
        made.bundle.verificationMaterial.signer = .certificate(Data("not a certificate".utf8))
        expectRejected(KitVerification.verify(made, kit: kit), .bundle)
    }

    // MARK: Transparency log (§8.2)

    @Test("Log: an unknown log is skipped, so the threshold fails")
    func unknownLog() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        var root = kit.trustedRoot
        root.transparencyLogs.removeFirst()
        expectRejected(KitVerification.verify(made, kit: kit, root: root), .transparencyLog, "not in the trusted root")
    }

    @Test("Log: a failing SET skips the entry (threshold), it does not reject a bundle with another good entry")
    func failingSET() throws {
        let kit = try PrivateSigstore()
        expectRejected(KitVerification.verify(try kit.makeBundle().flippingSETBit(), kit: kit), .transparencyLog, "signed entry timestamp")
        // A copy of the good entry claimed by a second trusted log: its SET (which covers the
        // log ID) fails, so it is skipped, and the good entry still counts.
        var root = kit.trustedRoot
        var pair = try kit.makeBundle()
        var bad = pair.bundle.verificationMaterial.tlogEntries[0]
        bad.logID = Data(repeating: 7, count: 32)
        root.transparencyLogs.append(try TransparencyLogInstance(baseURL: "https://other.airlock.test", publicKey: kit.rekorV1.key.publicKey,
                                                                 validFor: ValidityWindow(start: kit.signingTime - 10), logID: bad.logID))
        pair.bundle.verificationMaterial.tlogEntries.append(bad)
        let result = KitVerification.verify(pair, kit: kit, root: root)
        let verified = try #require(result.verified, "\(String(describing: result.failure))")
        #expect(verified.logEntries.count == 1)
        #expect(verified.notes.contains { $0.contains("signed entry timestamp") && $0.contains("skipped") })
    }

    @Test("Log: a failing inclusion proof is fatal, even beside a good entry")
    func failingProofIsFatal() throws {
        let kit = try PrivateSigstore()
        expectRejected(KitVerification.verify(try kit.makeBundle().flippingProofHashBit(), kit: kit), .transparencyLog, "inclusion proof")
    }

    @Test("Log: a proof for another tree size")
    func proofForAnotherTreeSize() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        _ = try kit.makeBundle() // the tree grows past the entry
        var entry = made.bundle.verificationMaterial.tlogEntries[0]
        let proof = try #require(entry.inclusionProof)
        let larger = try kit.rekorV1.inclusionProof(index: proof.logIndex)
        #expect(larger.treeSize == proof.treeSize + 1)
        // The hashes of the larger tree with the size, root and checkpoint of the original one.
        entry.inclusionProof?.hashes = larger.hashes
        var wrongHashes = made
        wrongHashes.bundle.verificationMaterial.tlogEntries[0] = entry
        expectRejected(KitVerification.verify(wrongHashes, kit: kit), .transparencyLog, "inclusion proof")
        // The original hashes claimed for the larger tree (root and checkpoint of the larger tree).
        entry.inclusionProof = InclusionProof(logIndex: proof.logIndex, rootHash: larger.rootHash, treeSize: larger.treeSize,
                                              hashes: proof.hashes, checkpoint: larger.checkpoint)
        var wrongSize = made
        wrongSize.bundle.verificationMaterial.tlogEntries[0] = entry
        expectRejected(KitVerification.verify(wrongSize, kit: kit), .transparencyLog, "inclusion proof")
        // And the larger tree's own proof verifies: the entry is still in the log.
        var grown = made
        grown.bundle.verificationMaterial.tlogEntries[0].inclusionProof = larger
        #expect(KitVerification.verify(grown, kit: kit).verified != nil)
    }

    @Test("Log: a checkpoint with a flipped signature bit, signed by another key, or with another root")
    func checkpoints() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        let proof = try #require(made.bundle.verificationMaterial.tlogEntries[0].inclusionProof)
        expectRejected(KitVerification.verify(try made.flippingCheckpointSignatureBit(), kit: kit), .transparencyLog, "checkpoint")
        let text = Checkpoint(origin: "\(kit.rekorV1.host) - \(kit.rekorV1.treeID)", size: UInt64(proof.treeSize), rootHash: proof.rootHash)
        var forged = made
        forged.bundle.verificationMaterial.tlogEntries[0].inclusionProof?.checkpoint =
            try text.signedRekorV1Envelope(name: kit.rekorV1.host, key: PrivateKey.generateP256())
        expectRejected(KitVerification.verify(forged, kit: kit), .transparencyLog, "checkpoint")
        var otherRoot = made
        otherRoot.bundle.verificationMaterial.tlogEntries[0].inclusionProof?.checkpoint =
            try Checkpoint(origin: text.origin, size: text.size, rootHash: Data(repeating: 1, count: 32))
                .signedRekorV1Envelope(name: kit.rekorV1.host, key: kit.rekorV1.key)
        expectRejected(KitVerification.verify(otherRoot, kit: kit), .transparencyLog, "root hash")
    }

    @Test("Log: the entry body does not match the bundle (signature, certificate, digest, kind)")
    func bodyBinding() throws {
        let kit = try PrivateSigstore()
        let first = try kit.makeBundle()
        let second = try kit.makeBundle(BundleRecipe(artifact: Data("another artifact".utf8)))
        // A genuine entry of the log, for another signature: SET and proof verify, the binding does not.
        expectRejected(KitVerification.verify(first.carryingLogEntries(of: second), kit: kit), .transparencyLog, "does not match the bundle")
        // The bundle's messageDigest differs from the logged one (the hint is unsigned, but bound by the log).
        var digest = first
        digest.bundle.content = .messageSignature(MessageSignature(messageDigest: second.artifactDigest,
                                                                   signature: first.bundle.content.signature))
        expectRejected(KitVerification.verify(digest, kit: kit), .transparencyLog, "digest")
        // kindVersion that does not match the body.
        var kind = first
        kind.bundle.verificationMaterial.tlogEntries[0].kindVersion = "0.0.2"
        expectRejected(KitVerification.verify(kind, kit: kit), .transparencyLog, "kindVersion")
    }

    @Test("Log: an integrated time outside the certificate's validity")
    func integratedTimeOutsideCertificate() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle(BundleRecipe().certificate { $0.notBefore = kit.signingTime + 60 })
        expectRejected(KitVerification.verify(made, kit: kit), .transparencyLog, "outside the certificate's validity")
    }

    @Test("Log: Rekor v2 leaf rebuilt from the bundle does not match another signature")
    func rekorV2Leaf() throws {
        let kit = try PrivateSigstore()
        let first = try kit.makeBundle(BundleRecipe().log(.rekorV2).timestamped())
        let second = try kit.makeBundle(BundleRecipe(artifact: Data("other".utf8)).log(.rekorV2).timestamped())
        expectRejected(KitVerification.verify(first.carryingLogEntries(of: second), kit: kit), .transparencyLog, "leaf rebuilt")
        // canonicalizedBody is not trusted for v2: replacing it with another entry's body changes nothing.
        var body = first
        body.bundle.verificationMaterial.tlogEntries[0].canonicalizedBody = second.bundle.verificationMaterial.tlogEntries[0].canonicalizedBody
        #expect(KitVerification.verify(body, kit: kit).verified != nil)
    }

    // MARK: Timestamps

    @Test("Timestamps: Rekor v2 only with a certificate needs an RFC 3161 timestamp")
    func rekorV2NeedsTimestamp() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle(BundleRecipe().log(.rekorV2))
        expectRejected(KitVerification.verify(made, kit: kit, options: .keyless(now: kit.verificationTime)), .signedTimestamp)
        // The rule can be turned off; then no trusted time remains for the certificate.
        var options = VerifierOptions.keyless(now: kit.verificationTime)
        options.requiresSignedTimestampForRekorV2 = false
        expectRejected(KitVerification.verify(made, kit: kit, options: options), .integratedTimestamp)
    }

    @Test("Timestamps: a TSA outside its validFor, an unknown TSA, a timestamp over other bytes")
    func signedTimestamps() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle(BundleRecipe().timestamped())
        var root = kit.trustedRoot
        root.timestampAuthorities[0].validFor = ValidityWindow(start: kit.signingTime + 2)
        expectRejected(KitVerification.verify(made, kit: kit, root: root), .signedTimestamp, "outside the validity")
        root = kit.trustedRoot
        root.timestampAuthorities[0].validFor.end = kit.signingTime + 1
        #expect(KitVerification.verify(made, kit: kit, root: root).verified != nil, "validFor end is inclusive")
        let stranger = try PrivateSigstore()
        root = kit.trustedRoot
        root.timestampAuthorities = stranger.trustedRoot.timestampAuthorities
        expectRejected(KitVerification.verify(made, kit: kit, root: root), .signedTimestamp)
        expectRejected(KitVerification.verify(try made.timestamped(over: Data("other".utf8), by: kit), kit: kit), .signedTimestamp, "imprint")
    }

    @Test("Timestamps: a v0.2 entry with a proof but no SET gives no integrated time")
    func noIntegratedTime() throws {
        let kit = try PrivateSigstore()
        var made = try kit.makeBundle(BundleRecipe().version(.v0_2))
        made.bundle.verificationMaterial.tlogEntries[0].inclusionPromise = nil
        expectRejected(KitVerification.verify(made, kit: kit), .integratedTimestamp)
    }

    @Test("Timestamps: a certificate with no trusted time at all")
    func noTimestamp() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle(BundleRecipe().log(.none))
        var options = VerifierOptions.keyless(now: kit.verificationTime)
        options.transparencyLogThreshold = 0
        options.integratedTimestampThreshold = 0
        expectRejected(KitVerification.verify(made, kit: kit, options: options), .timestamps)
        // With the current time instead, the long-expired certificate fails the chain.
        expectRejected(KitVerification.verify(made, kit: kit, options: .keyless(now: kit.verificationTime, ignoresTransparencyLog: true)),
                       .certificateChain, "expired")
    }

    // MARK: Certificate chain and SCTs (§8.5)

    @Test("Chain: an expired intermediate CA")
    func expiredCA() throws {
        var configuration = PrivateSigstore.Configuration()
        configuration.intermediateNotAfter = configuration.signingTime - 3600
        let kit = try PrivateSigstore(configuration)
        expectRejected(KitVerification.verify(try kit.makeBundle(), kit: kit), .certificateChain, "expired")
    }

    @Test("Chain: a certificate outside the trusted root's CA window")
    func outsideCAWindow() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        var root = kit.trustedRoot
        root.certificateAuthorities[0].validFor = ValidityWindow(start: kit.signingTime - 86_400, end: kit.signingTime)
        expectRejected(KitVerification.verify(made, kit: kit, root: root), .certificateChain, "trusted only within")
        root.certificateAuthorities[0].validFor = ValidityWindow(start: kit.signingTime + 2)
        expectRejected(KitVerification.verify(made, kit: kit, root: root), .certificateChain, "trusted only within")
    }

    @Test("Chain: a certificate from another instance's CA")
    func wrongInstance() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        var root = kit.trustedRoot
        root.certificateAuthorities = try PrivateSigstore().trustedRoot.certificateAuthorities
        expectRejected(KitVerification.verify(made, kit: kit, root: root), .certificateChain)
    }

    @Test("SCT: from an unknown log, absent, or outside the CT log's validFor")
    func scts() throws {
        let kit = try PrivateSigstore()
        expectRejected(KitVerification.verify(try kit.makeBundle(BundleRecipe().certificate { $0.sct = .unknownLog }), kit: kit),
                       .sct, "not in the trusted root")
        expectRejected(KitVerification.verify(try kit.makeBundle(BundleRecipe().certificate { $0.sct = .none }), kit: kit),
                       .sct, "no embedded SCT")
        var root = kit.trustedRoot
        root.ctLogs[0].validFor = ValidityWindow(start: kit.signingTime)
        expectRejected(KitVerification.verify(try kit.makeBundle(), kit: kit, root: root), .sct, "outside the validity")
        var options = VerifierOptions.keyless(now: kit.verificationTime)
        options.sctThreshold = 0
        #expect(KitVerification.verify(try kit.makeBundle(BundleRecipe().certificate { $0.sct = .none }), kit: kit, options: options).verified != nil)
    }

    // MARK: Signature and artifact

    @Test("Signature: another artifact, a flipped signature bit (logged as it is, or no log), another key")
    func signatures() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        expectRejected(KitVerification.verify(made, kit: kit, artifact: .bytes(Data("tampered".utf8))), .signature)
        // The log vouches for the flipped signature, so only the signature check can catch it.
        expectRejected(KitVerification.verify(try kit.makeBundle(BundleRecipe().flippingSignatureBit()), kit: kit), .signature)
        let key = try PrivateKey.generateP256()
        let flipped = try kit.makeBundle(BundleRecipe().signed(by: key).log(.none).flippingSignatureBit())
        expectRejected(KitVerification.verify(flipped, kit: kit), .signature)
        let unlogged = try kit.makeBundle(BundleRecipe().signed(by: key).log(.none))
        expectRejected(KitVerification.verify(unlogged, kit: kit, policy: .publicKey(try PrivateKey.generateP256().publicKey)), .signature)
    }

    @Test("Artifact digest: the unsigned messageDigest hint must be the artifact's")
    func messageDigestHint() throws {
        let kit = try PrivateSigstore()
        let key = try PrivateKey.generateP256()
        var made = try kit.makeBundle(BundleRecipe().signed(by: key).log(.none))
        made.bundle.content = .messageSignature(MessageSignature(messageDigest: Digest.of(Data("x".utf8)),
                                                                 signature: made.bundle.content.signature))
        expectRejected(KitVerification.verify(made, kit: kit), .artifactDigest)
        expectRejected(KitVerification.verify(made, kit: kit, artifact: .digest(made.artifactDigest)), .artifactDigest)
        // Without the hint, bytes still verify; a digest alone has nothing to be compared with.
        made.bundle.content = .messageSignature(MessageSignature(messageDigest: nil, signature: made.bundle.content.signature))
        #expect(KitVerification.verify(made, kit: kit).verified != nil)
        expectRejected(KitVerification.verify(made, kit: kit, artifact: .digest(made.artifactDigest)), .artifactDigest)
    }

    @Test("Statement: DSSE subjects must include the artifact; the payload type must be in-toto")
    func statements() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle(BundleRecipe().dsse())
        expectRejected(KitVerification.verify(made, kit: kit, artifact: .bytes(Data("other".utf8))), .artifactDigest)
        expectRejected(KitVerification.verify(made, kit: kit, artifact: .digest(Digest.of(Data("other".utf8)))), .artifactDigest)
        let key = try PrivateKey.generateP256()
        let payload = Data("{\"hello\":1}".utf8)
        let envelope = DSSEEnvelope(payloadType: "text/plain", payload: payload,
                                    signatures: [.init(signature: try key.sign(DSSEEnvelope.pae(payloadType: "text/plain", payload: payload)))])
        var plain = try kit.makeBundle(BundleRecipe().signed(by: key).log(.none))
        plain.bundle.content = .dsseEnvelope(envelope)
        expectRejected(KitVerification.verify(plain, kit: kit), .statement, "payload type")
    }

    // MARK: Identity (§8.6)

    @Test("Identity: SAN mismatch, issuer mismatch, claim mismatch")
    func identity() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle()
        let issuer = ValueMatcher.exact(LeafProfile.defaultIssuer)
        expectRejected(KitVerification.verify(made, kit: kit, policy: .identity(CertificateIdentity(
            subjectAlternativeName: .exact("https://github.com/airlock-test/app/.github/workflows/other.yml@refs/heads/main"), issuer: issuer))),
            .identity, "subject alternative name")
        expectRejected(KitVerification.verify(made, kit: kit, policy: .identity(CertificateIdentity(
            subjectAlternativeName: .exact(LeafProfile.defaultIdentity), issuer: .exact("https://accounts.google.com")))),
            .identity, "issuer")
        expectRejected(KitVerification.verify(made, kit: kit, policy: .identity(CertificateIdentity(
            subjectAlternativeName: .exact(LeafProfile.defaultIdentity), issuer: issuer,
            claims: [.githubWorkflowRepository: "airlock-test/other"]))), .identity, "GithubWorkflowRepository")
        // Several identities: any one match suffices.
        #expect(KitVerification.verify(made, kit: kit, policy: .identities([
            CertificateIdentity(subjectAlternativeName: .exact("someone@example.com"), issuer: issuer), KitVerification.identity,
        ])).verified != nil)
    }

    @Test("Identity: an unanchored regexp matching only a substring passes (anchoring is the caller's job)")
    func unanchoredRegexp() throws {
        let kit = try PrivateSigstore()
        let made = try kit.makeBundle(BundleRecipe().certificate {
            $0.subjectAlternativeName = .uri("https://github.com/airlock-test-evil/app/.github/workflows/x.yml@refs/heads/main")
        })
        let loose = CertificateIdentity(subjectAlternativeName: try ValueMatcher(regularExpression: "github.com/airlock-test"),
                                        issuer: try ValueMatcher(regularExpression: "githubusercontent"))
        #expect(KitVerification.verify(made, kit: kit, policy: .identity(loose)).verified != nil)
        let anchored = CertificateIdentity(subjectAlternativeName: try ValueMatcher(regularExpression: "^https://github\\.com/airlock-test/"),
                                           issuer: .exact(LeafProfile.defaultIssuer))
        expectRejected(KitVerification.verify(made, kit: kit, policy: .identity(anchored)), .identity)
    }

    // MARK: Order (§8.1)

    @Test("Order: with two defects the earlier check is reported")
    func order() throws {
        let kit = try PrivateSigstore()
        let wrongIdentity = CertificateIdentity(subjectAlternativeName: .exact("nobody@example.com"), issuer: .exact("x"))
        // log before identity
        var badSET = try kit.makeBundle()
        badSET.bundle.verificationMaterial.tlogEntries[0].integratedTime += 1
        expectRejected(KitVerification.verify(badSET, kit: kit, policy: .identity(wrongIdentity)), .transparencyLog)
        // timestamps before the chain
        let expired = try kit.makeBundle(BundleRecipe().log(.rekorV2).certificate { $0.sct = .none })
        expectRejected(KitVerification.verify(expired, kit: kit, options: .keyless(now: kit.verificationTime)), .signedTimestamp)
        // chain before SCT
        var root = kit.trustedRoot
        root.certificateAuthorities[0].validFor = ValidityWindow(start: kit.signingTime + 2)
        expectRejected(KitVerification.verify(try kit.makeBundle(BundleRecipe().certificate { $0.sct = .none }), kit: kit, root: root),
                       .certificateChain)
        // SCT before signature
        expectRejected(KitVerification.verify(try kit.makeBundle(BundleRecipe().certificate { $0.sct = .unknownLog }), kit: kit,
                                              artifact: .bytes(Data("other".utf8))), .sct)
        // signature before identity
        expectRejected(KitVerification.verify(try kit.makeBundle(), kit: kit, artifact: .bytes(Data("other".utf8)),
                                              policy: .identity(wrongIdentity)), .signature)
    }
}
