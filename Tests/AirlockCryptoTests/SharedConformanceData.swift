import AirlockCrypto
import Foundation

/// Read-only conformance data from `../shared` (or `$SHARED`); nil when absent, so tests skip.
enum SharedConformanceData {
    static var root: URL? {
        let candidates = [
            ProcessInfo.processInfo.environment["SHARED"].map { URL(fileURLWithPath: $0) },
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared"),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("conformance").path) }
    }

    static var isAvailable: Bool { root != nil }

    /// The JSON object stored at `conformance/<path>`.
    static func json(_ path: String) throws -> [String: Any] {
        guard let root else { throw CryptoError("shared test data is absent") }
        let data = try Data(contentsOf: root.appendingPathComponent("conformance").appendingPathComponent(path))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw CryptoError("\(path) is not a JSON object")
        }
        return object
    }

    /// The leaf certificate of a bundle-verify case (v0.3 `certificate` or v0.1 chain head).
    static func bundleLeaf(_ caseName: String) throws -> Certificate {
        let material = try bundle(caseName)["verificationMaterial"] as? [String: Any] ?? [:]
        let raw = (material["certificate"] as? [String: Any])?["rawBytes"] as? String
            ?? (((material["x509CertificateChain"] as? [String: Any])?["certificates"] as? [[String: Any]])?.first?["rawBytes"] as? String)
        return try Certificate(der: base64(raw))
    }

    static func bundle(_ caseName: String) throws -> [String: Any] {
        try json("assets/bundle-verify/\(caseName)/bundle.sigstore.json")
    }

    /// The trusted root of a case, or the production one when the case has none.
    static func trustedRoot(_ caseName: String) throws -> [String: Any] {
        if let root, FileManager.default.fileExists(atPath: root.appendingPathComponent("conformance/assets/bundle-verify/\(caseName)/trusted_root.json").path) {
            return try json("assets/bundle-verify/\(caseName)/trusted_root.json")
        }
        return try json("production_trusted_root.json")
    }

    /// The certificates of each entry of `certificateAuthorities` or `timestampAuthorities`.
    static func chains(_ trustedRoot: [String: Any], _ key: String) throws -> [[Certificate]] {
        try (trustedRoot[key] as? [[String: Any]] ?? []).map { authority in
            let certificates = (authority["certChain"] as? [String: Any])?["certificates"] as? [[String: Any]] ?? []
            return try certificates.map { try Certificate(der: base64($0["rawBytes"] as? String)) }
        }
    }

    /// The CT log keys of a trusted root that parse (a failure case holds a broken one).
    static func ctLogKeys(_ trustedRoot: [String: Any]) -> [PublicKey] {
        (trustedRoot["ctlogs"] as? [[String: Any]] ?? []).compactMap { log in
            try? PublicKey(derSPKI: base64((log["publicKey"] as? [String: Any])?["rawBytes"] as? String))
        }
    }

    static func base64(_ text: String?) throws -> Data {
        guard let text, let data = Data(base64Encoded: text) else { throw CryptoError("missing base64 value") }
        return data
    }
}
