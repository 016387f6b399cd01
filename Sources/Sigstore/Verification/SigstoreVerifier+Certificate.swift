import AirlockJSON
import AirlockCrypto
import Foundation

extension SigstoreVerifier {
    /// Step 4 for certificates (§8.1, §8.5): summarise the leaf, validate its chain to a
    /// trusted Fulcio CA at every verified time (the CA's `validFor` must hold that time too),
    /// then count embedded SCTs from trusted CT logs, using the issuer of the last validated chain.
    func verifyCertificate(_ leaf: Certificate, at timestamps: [VerifiedTimestamp],
                           sctThreshold: Int) throws(VerificationFailure) -> VerifiedCertificate {
        let summary: CertificateSummary
        do {
            summary = try CertificateSummary(leaf)
        } catch {
            throw VerificationFailure(.verificationMaterial, error.message)
        }
        var chain: [Certificate] = []
        for timestamp in timestamps {
            chain = try validateChain(leaf, at: timestamp)
        }
        let logs = sctThreshold > 0 ? try verifySCTs(leaf, chain: chain, threshold: sctThreshold) : []
        return VerifiedCertificate(summary: summary, chain: chain, certificateTransparencyLogs: logs)
    }

    private func validateChain(_ leaf: Certificate, at timestamp: VerifiedTimestamp) throws(VerificationFailure) -> [Certificate] {
        guard !certificateAuthorities.isEmpty else {
            throw VerificationFailure(.certificateChain, "the trusted root has no certificate authority")
        }
        let when = "at \(RFC3339.format(timestamp.time)) (\(timestamp.source))"
        var reasons: [String] = []
        for ca in certificateAuthorities {
            let name = ca.authority.uri.isEmpty ? "CA \"\(ca.root.subject)\"" : "CA \(ca.authority.uri)"
            guard ca.authority.validFor.contains(timestamp.time) else {
                reasons.append("\(name) is trusted only within \(ca.authority.validFor)")
                continue
            }
            do {
                return try ca.validate(leaf, at: timestamp.time)
            } catch {
                reasons.append("\(name): \(error)")
            }
        }
        throw VerificationFailure(.certificateChain, "the certificate does not chain to a trusted CA \(when): \(reasons.joined(separator: "; "))")
    }

    /// Distinct trusted CT logs whose SCT in `leaf` verifies and lies within the log's `validFor`.
    private func verifySCTs(_ leaf: Certificate, chain: [Certificate], threshold: Int) throws(VerificationFailure) -> [Data] {
        guard chain.count >= 2 else {
            throw VerificationFailure(.sct, "the validated chain has no issuer to check SCTs with")
        }
        let issuer = chain[1]
        let scts: [SignedCertificateTimestamp]
        do {
            scts = try leaf.signedCertificateTimestamps()
        } catch {
            throw VerificationFailure(.sct, "the embedded SCT list does not parse: \(error)")
        }
        var verified: [Data] = []
        var reasons: [String] = []
        for sct in scts where !verified.contains(sct.logID) {
            guard let log = trustedRoot?.ctLog(id: sct.logID) else {
                reasons.append("SCT from log \(sct.logID.lowercaseHex.prefix(16))… which is not in the trusted root")
                continue
            }
            guard log.validFor.contains(sct.date) else {
                reasons.append("SCT time \(RFC3339.format(sct.date)) is outside the validity \(log.validFor) of CT log \(log.baseURL)")
                continue
            }
            do {
                try sct.verify(leaf: leaf, issuer: issuer, logKey: log.publicKey)
                verified.append(sct.logID)
            } catch {
                reasons.append("\(error)")
            }
        }
        guard verified.count >= threshold else {
            let detail = scts.isEmpty ? "the certificate has no embedded SCT" : reasons.joined(separator: "; ")
            throw VerificationFailure(.sct, "\(verified.count) verified SCT(s), \(threshold) required: \(detail)")
        }
        return verified
    }
}
