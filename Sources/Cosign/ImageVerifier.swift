import AirlockJSON
import AirlockCrypto
import Foundation
import OCI
import Sigstore

/// Verifies the signatures of images in a layout, of both formats, through the one Sigstore
/// verifier: a bundle referrer is verified as a bundle whose artifact is the image digest; a
/// legacy `.sig` layer is turned into a bundle whose artifact is the payload. Then the cosign
/// claims are checked: the simple-signing `docker-manifest-digest` (or the statement subject)
/// must be the image digest, required annotations must be present, and a bundle's statement
/// must have predicate type `https://sigstore.dev/cosign/sign/v1`.
///
/// That last rule is stricter than cosign, which accepts any verified attestation about the
/// image (e.g. an SLSA provenance) as a signature; airlock does not, and has no switch to.
/// An image with no signature at all is rejected.
public struct ImageVerifier: Sendable {
    public let verifier: SigstoreVerifier
    public let policy: ImageVerificationPolicy

    public init(verifier: SigstoreVerifier, policy: ImageVerificationPolicy) {
        self.verifier = verifier
        self.policy = policy
    }

    /// Verifies every signature of the image with `digest` that `catalog` holds. The image's
    /// manifest (or index) must be in the layout and hash to `digest`: signatures vouch for a
    /// digest, so an image whose stored manifest is not that digest's content never passes.
    public func verify(_ digest: Digest, in catalog: SignatureCatalog) -> ImageVerification {
        let checks = catalog.signatures(of: digest).map { check($0, imageDigest: digest, catalog: catalog) }
        do {
            _ = try catalog.layout.readBlob(digest, limit: OCILimits.maxManifestBytes)
        } catch {
            return ImageVerification(digest: digest, signatures: checks, passed: false,
                                     reason: "the image in the layout is not the signed manifest: \(error)")
        }
        let (passed, reason) = verdict(checks, digest: digest)
        return ImageVerification(digest: digest, signatures: checks, passed: passed, reason: reason)
    }

    // MARK: - One signature

    private func check(_ found: FoundSignature, imageDigest: Digest, catalog: SignatureCatalog) -> SignatureCheck {
        func rejected(_ check: String, _ reason: String, key: TrustedKey? = nil, signer: VerifiedSigner? = nil, notes: [String] = []) -> SignatureCheck {
            SignatureCheck(format: found.format, digest: found.digest, location: found.location, key: key,
                           identity: signer?.certificateSummary?.subjectAlternativeName, issuer: signer?.certificateSummary?.issuer,
                           accepted: false, reason: "\(check): \(reason)", notes: notes)
        }
        let content: FoundSignature.Loaded
        do {
            content = try catalog.load(found.content.get())
        } catch {
            return rejected("format", error.message)
        }
        let result: VerificationResult
        switch content {
        case .legacy(let layer, let payload):
            let legacy: LegacySignatureBundle
            do {
                legacy = try Self.legacyBundle(layer, payload: payload)
            } catch {
                return rejected("format", "\(error)")
            }
            result = verifier.verify(legacy, artifact: .bytes(payload), policy: policyPreferringHint(of: legacy.bundle))
        case .bundle(let bundle):
            result = verifier.verify(bundle, artifact: .digest(imageDigest), policy: policyPreferringHint(of: bundle))
        }
        let verified: VerifiedBundle
        switch result {
        case .verified(let outcome): verified = outcome
        case .rejected(let failure): return rejected(failure.check.rawValue, failure.reason)
        }
        let key = trustedKey(verified.signer)
        do {
            let claims: String
            switch content {
            case .legacy(_, let payload):
                try SimpleSigningPayload(json: payload).checkClaims(imageDigest: imageDigest, requiredAnnotations: policy.requiredAnnotations)
                claims = "payload names the image digest"
            case .bundle:
                try CosignSignClaims.check(verified.statement, imageDigest: imageDigest, requiredAnnotations: policy.requiredAnnotations)
                claims = "statement subject is the image digest, predicate type \(InTotoStatement.cosignSignPredicateType)"
            }
            let annotations = policy.requiredAnnotations.isEmpty ? "" : ", required annotations present"
            return SignatureCheck(format: found.format, digest: found.digest, location: found.location, key: key,
                                  identity: verified.signer.certificateSummary?.subjectAlternativeName,
                                  issuer: verified.signer.certificateSummary?.issuer, accepted: true,
                                  reason: "signature verified with \(describe(verified.signer, key: key)); \(claims)\(annotations)",
                                  notes: verified.notes)
        } catch {
            return rejected("claims", error.message, key: key, signer: verified.signer, notes: verified.notes)
        }
    }

    /// A `.sig` layer as the Sigstore verifier takes it (certificate, chain, Rekor bundle and
    /// timestamp annotations included). The signature must be standard padded base64, as
    /// cosign decodes it; an empty one would mark an attestation, which a `.sig` layer is not.
    static func legacyBundle(_ layer: SignatureLayer, payload: Data) throws -> LegacySignatureBundle {
        guard let text = layer.signatureText, !text.isEmpty else {
            throw CosignError("the layer has no \(CosignAnnotation.signature) annotation")
        }
        guard Base64.decodeStandard(text) != nil else {
            throw CosignError("the \(CosignAnnotation.signature) annotation is not valid base64")
        }
        let annotation = layer.descriptor.annotation
        return try LegacySignatureBundle(layer: payload, signature: text, certificate: annotation(CosignAnnotation.certificate),
                                         chain: annotation(CosignAnnotation.chain), rekorBundle: annotation(CosignAnnotation.rekorBundle),
                                         rfc3161Timestamp: annotation(CosignAnnotation.rfc3161Timestamp))
    }

    /// The key policy with the key a bundle's public-key hint names tried first.
    private func policyPreferringHint(of bundle: SigstoreBundle) -> SignerPolicy {
        guard case .keys(let keys, _) = policy.signers, case .publicKey(let hint) = bundle.verificationMaterial.signer,
              let hinted = keys.firstIndex(where: { $0.publicKey.bundleHint == hint }), hinted > 0 else {
            return policy.signerPolicy
        }
        var ordered = keys.map(\.publicKey)
        ordered.insert(ordered.remove(at: hinted), at: 0)
        return .publicKeys(ordered)
    }

    private func trustedKey(_ signer: VerifiedSigner) -> TrustedKey? {
        guard case .publicKey(let key) = signer, case .keys(let keys, _) = policy.signers else { return nil }
        return keys.first { $0.publicKey == key }
    }

    private func describe(_ signer: VerifiedSigner, key: TrustedKey?) -> String {
        switch signer {
        case .publicKey(let publicKey): key.map { "key \($0.name) (\($0.id))" } ?? "key \(publicKey)"
        case .certificate(let certificate): "certificate of \(certificate.summary.subjectAlternativeName) (issuer \(certificate.summary.issuer))"
        }
    }

    // MARK: - The image

    private func verdict(_ checks: [SignatureCheck], digest: Digest) -> (Bool, String) {
        guard !checks.isEmpty else {
            return (false, "no signatures found for \(digest) (no \(SignatureImage.tag(for: digest)) image, no bundle referrer)")
        }
        let accepted = checks.filter(\.accepted)
        switch policy.signers {
        case .keys(let keys, let threshold):
            var seen = Set<String>()
            let distinct = keys.filter { seen.insert($0.id).inserted }
            let verifiedKeys = distinct.filter { key in accepted.contains { $0.key?.publicKey == key.publicKey } }
            let names = verifiedKeys.map(\.name).joined(separator: ", ")
            let summary = "\(verifiedKeys.count) of \(distinct.count) keys verified (threshold \(threshold))\(names.isEmpty ? "" : ": \(names)")"
            return (verifiedKeys.count >= threshold, verifiedKeys.count >= threshold ? summary
                : "\(summary); \(checks.count - accepted.count) of \(checks.count) signatures rejected")
        case .identities:
            guard let first = accepted.first else {
                return (false, "none of \(checks.count) signatures verified with a matching identity")
            }
            return (true, "\(accepted.count) of \(checks.count) signatures verified; signed by \(first.identity ?? "?") (issuer \(first.issuer ?? "?"))")
        }
    }
}

extension VerifiedSigner {
    /// The certificate's identity, for keyless signers.
    var certificateSummary: CertificateSummary? {
        if case .certificate(let certificate) = self { certificate.summary } else { nil }
    }
}

/// The claims of a cosign image signature in bundle form (§4.3, with the predicate type
/// required): a statement of type `https://sigstore.dev/cosign/sign/v1` with a subject whose
/// digest is the image's and whose annotations hold the required pairs.
enum CosignSignClaims {
    static func check(_ statement: InTotoStatement?, imageDigest: Digest, requiredAnnotations: [String: String]) throws(CosignError) {
        guard let statement else { throw CosignError("the bundle holds no in-toto statement") }
        guard statement.predicateType == InTotoStatement.cosignSignPredicateType else {
            throw CosignError("predicate type \(statement.predicateType.prefix(120)) is not \(InTotoStatement.cosignSignPredicateType) (an attestation is not a signature)")
        }
        let subjects = statement.subjects.filter { $0.matches(imageDigest) }
        guard !subjects.isEmpty else { throw CosignError("no statement subject has the image digest \(imageDigest)") }
        var lastFailure: CosignError?
        for subject in subjects {
            do {
                try AnnotationRequirement.check(requiredAnnotations, in: subject.annotations?.objectValue, where: "the statement subject's annotations")
                return
            } catch {
                lastFailure = error
            }
        }
        if let lastFailure { throw lastFailure }
    }
}
