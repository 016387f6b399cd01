import ArgumentParser
import Foundation
import OCI

/// `airlock layout verify DIR`: re-hash every reachable blob of a layout.
struct LayoutVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every blob of a layout is present, has its size and hashes to its digest.",
        discussion: """
        Walks index.json through indexes, manifests, configs and layers, plus the referrer \
        manifests stored for those images (found by their subject, as cosign save leaves \
        them), and re-hashes each blob. Blobs that nothing references are reported as notes.

        Exit status: 0 when every blob checks out; 1 when a blob is missing, has the wrong \
        size or does not hash to its digest (each such blob is named on standard output); \
        2 when the layout cannot be read: no oci-layout, malformed index.json or manifest, \
        unsupported digest algorithm, a blob that is a symbolic link or not a regular file.
        """
    )

    @Argument(help: "The layout directory.")
    var directory: String

    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let layout = try OCILayout.open(at: URL(fileURLWithPath: directory))
        let result = try LayoutVerifier(layout: layout).verify()
        switch outputOptions.output {
        case .text: Terminal.printLines(textLines(result))
        case .json: try printJSON(result)
        }
        guard result.passed else {
            let shown = result.problems.prefix(10).map(\.description)
            let more = result.problems.count > shown.count ? "; and \(result.problems.count - shown.count) more" : ""
            let summary = "layout \(directory) failed verification: \(shown.joined(separator: "; "))\(more)"
            throw CommandFailure(summary, status: result.hasUnreadableContent ? .failure : .rejected)
        }
    }

    private func textLines(_ result: LayoutVerification) -> [String] {
        var lines = result.problems.map { "FAIL \($0)" }
        let status = result.passed ? "ok" : "\(result.problems.count) bad"
        lines.append("layout \(directory): \(status): \(result.blobs.count) blobs (\(result.manifestCount) manifests and indexes, \(result.referrers.count) referrers found by subject), \(result.verifiedBytes) bytes verified")
        lines += result.skippedForeignLayers.map { "note: foreign layer \($0.digest) is absent (it has urls)" }
        if !result.unreachable.isEmpty {
            lines.append("note: \(result.unreachable.count) stored blobs are not referenced: \(result.unreachable.map(\.relativePath).joined(separator: ", "))")
        }
        return lines
    }

    private func printJSON(_ result: LayoutVerification) throws {
        let report = Report(
            layout: directory,
            passed: result.passed,
            blobs: result.blobs.count,
            manifests: result.manifestCount,
            referrers: result.referrers.map(\.digest.description),
            verifiedBytes: result.verifiedBytes,
            problems: result.problems.map { Report.Problem(digest: $0.digest?.description, role: $0.role?.rawValue, kind: $0.error.kind.rawValue, message: $0.error.message) },
            skippedForeignLayers: result.skippedForeignLayers.map(\.digest.description),
            unreachable: result.unreachable.map(\.relativePath)
        )
        print(try OutputOptions.json(report))
    }

    private struct Report: Encodable {
        struct Problem: Encodable {
            let digest: String?
            let role: String?
            let kind: String
            let message: String
        }

        let layout: String
        let passed: Bool
        let blobs: Int
        let manifests: Int
        let referrers: [String]
        let verifiedBytes: Int64
        let problems: [Problem]
        let skippedForeignLayers: [String]
        let unreachable: [String]
    }
}
