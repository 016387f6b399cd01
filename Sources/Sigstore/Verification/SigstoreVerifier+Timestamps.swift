import AirlockJSON
import AirlockCrypto
import Foundation

extension SigstoreVerifier {
    /// Step 3 (§8.1): the trusted times to validate the signer at. RFC 3161 timestamps (when
    /// signed or observer timestamps are required) over the signature bytes, one per TSA URI;
    /// integrated times of entries with a verified SET (when integrated or observer timestamps
    /// are required), one per log; `now` with `usesCurrentTime`. A certificate needs at least one.
    func observerTimestamps(_ subject: BundleSubject, entries: [CheckedLogEntry], thresholds: Thresholds,
                            notes: inout [String]) throws(VerificationFailure) -> [VerifiedTimestamp] {
        var timestamps: [VerifiedTimestamp] = []
        var signedCount = 0
        if thresholds.signed > 0 || thresholds.observer > 0 {
            var problems: [String] = []
            let signed = verifySignedTimestamps(subject, problems: &problems)
            signedCount = signed.count
            if signedCount < thresholds.signed {
                let detail = problems.isEmpty ? "" : ": \(problems.joined(separator: "; "))"
                throw VerificationFailure(.signedTimestamp,
                                          "\(signedCount) verified RFC 3161 timestamp(s), \(thresholds.signed) required\(detail)")
            }
            notes += problems
            timestamps += signed
        }
        var integrated: [VerifiedTimestamp] = []
        var logs = Set<Data>()
        for entry in entries {
            guard let time = entry.verified.integratedTime, logs.insert(entry.verified.logID).inserted else { continue }
            integrated.append(VerifiedTimestamp(time: time, source: .transparencyLog(baseURL: entry.verified.baseURL)))
        }
        if thresholds.integrated > 0 {
            guard integrated.count >= thresholds.integrated else {
                throw VerificationFailure(.integratedTimestamp,
                                          "\(integrated.count) log entr\(integrated.count == 1 ? "y" : "ies") with a verified integrated time, \(thresholds.integrated) required")
            }
        }
        if thresholds.observer > 0, signedCount + integrated.count < thresholds.observer {
            throw VerificationFailure(.timestamps,
                                      "\(signedCount + integrated.count) verified signed or integrated timestamps, \(thresholds.observer) required")
        }
        if thresholds.integrated > 0 || thresholds.observer > 0 { timestamps += integrated }
        if thresholds.usesCurrentTime { timestamps.append(VerifiedTimestamp(time: options.now, source: .currentTime)) }
        if subject.leaf != nil, timestamps.isEmpty {
            throw VerificationFailure(.timestamps, "no verified timestamp to check the certificate at (no log entry with a verified integrated time, no RFC 3161 timestamp)")
        }
        return timestamps
    }

    /// RFC 3161 timestamps over the signature bytes (§8.7), each tried against every TSA of
    /// the root until one verifies and its `validFor` holds `genTime`; one per TSA URI. Tokens
    /// that verify against no TSA are described in `problems` and do not count.
    private func verifySignedTimestamps(_ subject: BundleSubject, problems: inout [String]) -> [VerifiedTimestamp] {
        let tokens = subject.bundle.verificationMaterial.rfc3161Timestamps
        guard !timestampAuthorities.isEmpty else {
            if !tokens.isEmpty { problems.append("the trusted root has no timestamp authority") }
            return []
        }
        var verified: [VerifiedTimestamp] = []
        var uris = Set<String>()
        for (index, der) in tokens.enumerated() {
            let token: TimestampToken
            do {
                token = try TimestampToken(der: der)
            } catch {
                problems.append("timestamp \(index): \(error)")
                continue
            }
            let message = Self.message(coveredBy: token, among: subject.timestampedMessages)
            var reasons: [String] = []
            for tsa in timestampAuthorities {
                do {
                    let time = try token.verify(message: message, authority: tsa.chain)
                    guard tsa.authority.validFor.contains(time) else {
                        reasons.append("genTime \(RFC3339.format(time)) is outside the validity \(tsa.authority.validFor) of \(tsa.authority.uri)")
                        continue
                    }
                    if uris.insert(tsa.authority.uri).inserted {
                        verified.append(VerifiedTimestamp(time: time, source: .timestampAuthority(uri: tsa.authority.uri)))
                    }
                    reasons = []
                    break
                } catch {
                    reasons.append("\(error)")
                }
            }
            if !reasons.isEmpty { problems.append("timestamp \(index): \(reasons.joined(separator: "; "))") }
        }
        return verified
    }

    /// The first of `messages` whose digest is `token`'s message imprint, else the first message
    /// (whose verification error is then reported).
    private static func message(coveredBy token: TimestampToken, among messages: [Data]) -> Data {
        messages.first { Digest.of($0, algorithm: token.hashAlgorithm).bytes == token.messageImprint } ?? messages.first ?? Data()
    }
}
