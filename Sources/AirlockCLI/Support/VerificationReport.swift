import AirlockJSON
import AirlockCrypto
import Foundation
import Sigstore

/// One verification outcome as printed: a few `key: value` lines for people, or a JSON object.
struct VerificationReport: Encodable {
    struct Timestamp: Encodable {
        let time: String
        let source: String
        let uri: String?
    }

    struct LogEntry: Encodable {
        let logId: String
        let logIndex: Int64
        let baseUrl: String
        let integratedTime: String?
        let rekorV2: Bool
    }

    let verified: Bool
    let bundle: String?
    let artifact: String?
    var signerType: String?
    var identity: String?
    var issuer: String?
    var key: String?
    var claims: [String: String]?
    var signingTime: Timestamp?
    var timestamps: [Timestamp]?
    var logEntries: [LogEntry]?
    var predicateType: String?
    var notes: [String]?
    var check: String?
    var reason: String?

    init(_ result: VerificationResult, bundle: String?, artifact: String?) {
        self.bundle = bundle
        self.artifact = artifact
        switch result {
        case .rejected(let failure):
            verified = false
            check = failure.check.rawValue
            reason = failure.reason
        case .verified(let outcome):
            verified = true
            switch outcome.signer {
            case .publicKey(let key):
                signerType = "publicKey"
                self.key = "\(key.algorithm) sha256:\(key.spkiSHA256.lowercaseHex)"
            case .certificate(let certificate):
                signerType = "certificate"
                identity = certificate.summary.subjectAlternativeName
                issuer = certificate.summary.issuer
                let named = certificate.summary.claims.filter { $0.key != .issuer && $0.key != .issuerV1 }
                claims = named.isEmpty ? nil : Dictionary(uniqueKeysWithValues: named.map { ($0.key.name, $0.value) })
            }
            timestamps = outcome.timestamps.map(Self.timestamp)
            signingTime = outcome.signingTimes.first.map(Self.timestamp)
            logEntries = outcome.logEntries.map { entry in
                LogEntry(logId: entry.logID.lowercaseHex, logIndex: entry.logIndex, baseUrl: entry.baseURL,
                         integratedTime: entry.integratedTime.map(Self.format), rekorV2: entry.isRekorV2)
            }
            predicateType = outcome.statement?.predicateType
            notes = outcome.notes.isEmpty ? nil : outcome.notes
        }
    }

    private static func timestamp(_ timestamp: VerifiedTimestamp) -> Timestamp {
        switch timestamp.source {
        case .transparencyLog(let url): Timestamp(time: format(timestamp.time), source: "transparencyLog", uri: url)
        case .timestampAuthority(let uri): Timestamp(time: format(timestamp.time), source: "timestampAuthority", uri: uri)
        case .currentTime: Timestamp(time: format(timestamp.time), source: "currentTime", uri: nil)
        }
    }

    static func format(_ date: Date) -> String { RFC3339.format(date) }

    /// The failure as one line: `<check>: <reason>`.
    var failureLine: String { "\(check ?? "verification"): \(reason ?? "failed")" }

    /// Text lines for a verified outcome.
    var textLines: [String] {
        guard verified else { return ["FAIL \(failureLine)"] }
        var lines = ["Verified OK" + (artifact.map { ": \($0)" } ?? "")]
        if let identity { lines.append("  identity:    \(identity)") }
        if let issuer { lines.append("  issuer:      \(issuer)") }
        if let key { lines.append("  key:         \(key)") }
        if let signingTime {
            let source = signingTime.source == "timestampAuthority" ? "timestamp authority" : signingTime.source == "transparencyLog" ? "transparency log" : "current time"
            lines.append("  signed at:   \(signingTime.time) (\(source)\(signingTime.uri.map { " \($0)" } ?? ""))")
        } else {
            lines.append("  signed at:   unknown (no log entry or timestamp)")
        }
        for entry in logEntries ?? [] { lines.append("  log entry:   \(entry.baseUrl) index \(entry.logIndex)") }
        if let predicateType { lines.append("  predicate:   \(predicateType)") }
        for note in notes ?? [] { lines.append("  note: \(note)") }
        return lines
    }
}
