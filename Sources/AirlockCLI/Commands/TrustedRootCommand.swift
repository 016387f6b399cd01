import ArgumentParser

/// `airlock trusted-root`: trust material for a private Sigstore instance.
struct TrustedRootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trusted-root",
        abstract: "Create trusted_root.json for a private Sigstore instance.",
        subcommands: [TrustedRootCreateCommand.self]
    )
}
