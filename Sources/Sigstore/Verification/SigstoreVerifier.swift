import AirlockJSON
import AirlockCrypto
import Foundation

/// Verifies Sigstore bundles offline against trusted material, exactly in sigstore-go's order
/// (FORMATS.md §8.1): policy, transparency log, observer timestamps, verification material
/// (certificate chain and SCTs, or key), signature over the artifact, then identity.
///
/// Configure one verifier with a trusted root and options, then check any number of bundles,
/// each against its artifact and a signer policy. The result is a value: `.verified` with what
/// was proven, or `.rejected` naming the failed check.
public struct SigstoreVerifier: Sendable {
    public let trustedRoot: TrustedRoot?
    public let options: VerifierOptions
    let certificateAuthorities: [TrustedCertificateAuthority]
    let timestampAuthorities: [TrustedTimestampAuthority]

    /// Parses the root's CA and TSA certificates once; a certificate that does not parse makes
    /// the root unusable, as in sigstore-go.
    public init(trustedRoot: TrustedRoot?, options: VerifierOptions) throws(FormatError) {
        self.trustedRoot = trustedRoot
        self.options = options
        certificateAuthorities = try (trustedRoot?.certificateAuthorities ?? []).enumerated().map {
            (index, authority) throws(FormatError) in try TrustedCertificateAuthority(authority, index: index)
        }
        timestampAuthorities = try (trustedRoot?.timestampAuthorities ?? []).enumerated().map {
            (index, authority) throws(FormatError) in try TrustedTimestampAuthority(authority, index: index)
        }
    }

    /// Verifies `bundle` for `artifact` under `policy`.
    public func verify(_ bundle: SigstoreBundle, artifact: VerificationArtifact, policy: SignerPolicy) -> VerificationResult {
        verify(bundle, artifact: artifact, policy: policy, alternativeTimestampedBytes: [])
    }

    /// `alternativeTimestampedBytes`: what an RFC 3161 timestamp may cover besides the signature.
    func verify(_ bundle: SigstoreBundle, artifact: VerificationArtifact, policy: SignerPolicy,
                alternativeTimestampedBytes: [Data]) -> VerificationResult {
        do {
            var subject = try BundleSubject(bundle, policy: policy, hasTrustedRoot: trustedRoot != nil)
            subject.timestampedMessages += alternativeTimestampedBytes
            return .verified(try run(subject, artifact: artifact, policy: policy))
        } catch {
            return .rejected(error)
        }
    }

    /// Steps 2–6 for a subject that passed step 1 (the policy).
    private func run(_ subject: BundleSubject, artifact: VerificationArtifact,
                     policy: SignerPolicy) throws(VerificationFailure) -> VerifiedBundle {
        var notes: [String] = []
        let thresholds = Thresholds(options, subject: subject)
        // 2. Transparency log.
        let entries = try verifyTransparencyLog(subject, threshold: thresholds.transparencyLog, notes: &notes)
        // 3. Observer timestamps.
        let timestamps = try observerTimestamps(subject, entries: entries, thresholds: thresholds, notes: &notes)
        // 4. Verification material.
        let certificate = try subject.leaf.map { (leaf) throws(VerificationFailure) in
            try verifyCertificate(leaf, at: timestamps, sctThreshold: thresholds.sct)
        }
        if certificate == nil, thresholds.sct > 0 {
            throw VerificationFailure(.sct, "SCTs are required, but the bundle is signed with a key (use key options)")
        }
        // 5. Signature over the artifact.
        let (signerKey, statement) = try verifySignature(subject, artifact: artifact)
        try requireBoundKey(entries, signerKey: signerKey, subject: subject)
        // 6. Identity.
        let signer: VerifiedSigner
        if let certificate {
            try matchIdentity(certificate.summary, policy: policy)
            signer = .certificate(certificate)
        } else {
            signer = .publicKey(signerKey)
        }
        return VerifiedBundle(signer: signer, timestamps: timestamps, logEntries: entries.map(\.verified),
                              statement: statement, notes: notes)
    }

    private func matchIdentity(_ summary: CertificateSummary, policy: SignerPolicy) throws(VerificationFailure) {
        guard case .identities(let identities) = policy else { return }
        let mismatches = identities.compactMap { $0.mismatch(summary) }
        guard mismatches.count == identities.count else { return }
        let reason = mismatches.count == 1 ? mismatches[0] : "none of \(identities.count) identities matches: \(mismatches.joined(separator: "; "))"
        throw VerificationFailure(.identity, reason)
    }
}

/// A bundle with its parsed leaf certificate and the keys the policy allows.
struct BundleSubject {
    let bundle: SigstoreBundle
    /// The leaf certificate (element 0 of a chain; bundle intermediates are never used).
    let leaf: Certificate?
    /// The policy's keys (empty for an identity policy).
    let keys: [PublicKey]
    /// The bytes an RFC 3161 timestamp may cover: the signature, and for legacy attestations
    /// the envelope JSON.
    var timestampedMessages: [Data]

    /// Step 1: the policy must fit the bundle's material (sigstore-go checks this with the
    /// material; failing first changes no verdict).
    init(_ bundle: SigstoreBundle, policy: SignerPolicy, hasTrustedRoot: Bool) throws(VerificationFailure) {
        self.bundle = bundle
        timestampedMessages = [bundle.content.signature]
        switch policy {
        case .publicKeys(let keys):
            guard !keys.isEmpty else { throw VerificationFailure(.policy, "the key policy lists no key") }
            guard bundle.verificationMaterial.signer.leafCertificate == nil else {
                throw VerificationFailure(.verificationMaterial, "expected key signature, not certificate")
            }
            self.keys = keys
            leaf = nil
        case .identities(let identities):
            guard !identities.isEmpty else { throw VerificationFailure(.policy, "the identity policy lists no identity") }
            guard hasTrustedRoot else {
                throw VerificationFailure(.policy, "a certificate can only be verified with a trusted root")
            }
            guard let der = bundle.verificationMaterial.signer.leafCertificate else {
                throw VerificationFailure(.verificationMaterial, "expected a certificate, the bundle is signed with a key")
            }
            do {
                leaf = try Certificate(der: der)
            } catch {
                throw VerificationFailure(.bundle, "the bundle's certificate does not parse: \(error)")
            }
            keys = []
        }
    }

    var signature: Data { bundle.content.signature }
}

/// The thresholds in force for one bundle: the options, with cosign's Rekor v2 rule applied.
struct Thresholds {
    var transparencyLog: Int
    var integrated: Int
    var signed: Int
    var observer: Int
    var sct: Int
    var usesCurrentTime: Bool

    init(_ options: VerifierOptions, subject: BundleSubject) {
        transparencyLog = options.transparencyLogThreshold
        integrated = options.integratedTimestampThreshold
        signed = options.signedTimestampThreshold
        observer = options.observerTimestampThreshold
        sct = options.sctThreshold
        usesCurrentTime = options.usesCurrentTime
        let entries = subject.bundle.verificationMaterial.tlogEntries
        if options.requiresSignedTimestampForRekorV2, subject.leaf != nil, transparencyLog > 0, !entries.isEmpty,
           entries.allSatisfy({ $0.integratedTime == 0 }) {
            signed = max(signed, 1)
            integrated = 0
        }
    }
}
