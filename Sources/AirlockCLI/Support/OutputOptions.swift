import ArgumentParser

/// `--output text|json`, shared by every command that reports results.
struct OutputOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Option(name: .long, help: "Output format: text for people, json for machines.")
    var output: Format = .text
}
