import ArgumentParser
import Foundation

/// `--output text|json`, shared by every command that reports results.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Option(name: .long, help: "Output format: text for people, json for machines.")
    var output: Format = .text

    /// Pretty JSON of a report, as every `--output json` prints it: sorted keys, slashes unescaped.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
