import AirlockCrypto
import Foundation
import OCI
import Testing

/// `airlock layout verify` on broken layouts: each ends with exactly one `airlock: error:`
/// line and the exit status its help documents (1 a blob is wrong, 2 the layout cannot be read).
@Suite("airlock layout verify on broken layouts")
struct LayoutVerifyFailureTests {
    enum Breakage: String, CaseIterable, Sendable {
        case indexNotJSON, manifestNotJSON, sizeDiffersFromDescriptor, unknownDigestAlgorithm

        /// The exit status documented for it, and a phrase its error line holds.
        var expected: (status: Int32, message: String) {
            switch self {
            case .indexNotJSON: (2, "index.json: malformed image index: invalid JSON at byte 32: unexpected end of input")
            case .manifestNotJSON: (2, "malformed manifest: invalid JSON")
            case .sizeDiffersFromDescriptor: (1, "size 491 != descriptor 492")
            case .unknownDigestAlgorithm: (2, #"manifests[0].digest: unsupported digest algorithm "md5""#)
            }
        }

        func apply(to copy: LayoutCommandTests.LayoutCopy) throws {
            let indexURL = copy.url.appendingPathComponent("index.json")
            switch self {
            case .indexNotJSON:
                try Data(#"{"schemaVersion":2,"manifests":["#.utf8).write(to: indexURL)
            case .manifestNotJSON:
                let layout = try copy.layout
                let bytes = Data(#"{"schemaVersion":2,"config":{"#.utf8)
                let digest = try layout.addBlob(bytes)
                try layout.updateIndex { $0.manifests.append(Descriptor(mediaType: MediaType.ociManifest, digest: digest, size: Int64(bytes.count))) }
            case .sizeDiffersFromDescriptor:
                try copy.layout.updateIndex { $0.manifests[0].size += 1 }
            case .unknownDigestAlgorithm:
                let text = try String(contentsOf: indexURL, encoding: .utf8)
                let entry = try copy.layout.readIndex().manifests[0]
                try Data(text.replacingOccurrences(of: entry.digest.description, with: "md5:0cc175b9c0f1b6a831c399e269772661").utf8)
                    .write(to: indexURL)
            }
        }
    }

    @Test(arguments: Breakage.allCases)
    func oneErrorLineAndTheDocumentedStatus(_ breakage: Breakage) throws {
        let copy = try LayoutCommandTests.LayoutCopy()
        try breakage.apply(to: copy)
        for output in ["text", "json"] {
            let outcome = try AirlockProcess.run(["layout", "verify", "--output", output, copy.url.path])
            #expect(outcome.status == breakage.expected.status, "\(breakage) \(output): \(outcome)")
            #expect(outcome.isOneLineError, "\(breakage) \(output): \(outcome)")
            #expect(outcome.stderrText.contains(breakage.expected.message), "\(breakage) \(output): \(outcome)")
        }
        let help = try AirlockProcess.run(["layout", "verify", "--help"]).stdoutText.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let documented = breakage.expected.status == 1 ? "1 when a blob is missing, has the wrong size" : "2 when the layout cannot be read"
        #expect(help.contains(documented), "\(help)")
    }
}
