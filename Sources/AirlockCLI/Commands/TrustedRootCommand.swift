import ArgumentParser

/// `airlock trusted-root`: Create trusted_root.json for a private Sigstore instance.
struct TrustedRootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trusted-root", abstract: "Create trusted_root.json for a private Sigstore instance.")

    func run() throws {
        throw CommandFailure("`airlock trusted-root` is not implemented yet")
    }
}
