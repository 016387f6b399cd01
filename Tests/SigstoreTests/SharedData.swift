import AirlockCrypto
import Foundation
@testable import Sigstore

/// The read-only test data beside the project (`../shared`, or `$SHARED`); tests that use it
/// are disabled when it is absent.
enum SharedData {
    static let root: URL? = {
        let candidate: URL
        if let path = ProcessInfo.processInfo.environment["SHARED"], !path.isEmpty {
            candidate = URL(fileURLWithPath: path)
        } else {
            candidate = URL(fileURLWithPath: #filePath)
                .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("shared")
        }
        let marker = candidate.appendingPathComponent("conformance/production_trusted_root.json")
        return FileManager.default.fileExists(atPath: marker.path) ? candidate : nil
    }()

    static var isAvailable: Bool { root != nil }

    static func file(_ relativePath: String) throws -> Data {
        guard let root else { throw CryptoError("shared test data is absent") }
        return try Data(contentsOf: root.appendingPathComponent(relativePath))
    }

    static func conformanceCase(_ name: String, _ file: String = "bundle.sigstore.json") throws -> Data {
        try Self.file("conformance/assets/bundle-verify/\(name)/\(file)")
    }

    /// Every case directory name.
    static var conformanceCases: [String] {
        guard let root else { return [] }
        let directory = root.appendingPathComponent("conformance/assets/bundle-verify")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent("\($0)/bundle.sigstore.json").path)
        }.sorted()
    }

    static func bundle(_ name: String) throws -> SigstoreBundle {
        try SigstoreBundle(json: conformanceCase(name))
    }

    /// The case's own trusted root, or the production one.
    static func trustedRoot(for name: String) throws -> TrustedRoot {
        if let own = try? conformanceCase(name, "trusted_root.json") { return try TrustedRoot(json: own) }
        return try TrustedRoot(json: file("conformance/production_trusted_root.json"))
    }
}
