import ArgumentParser

/// `airlock generate-key-pair`: Generate a cosign-format encrypted ECDSA P-256 key pair.
struct GenerateKeyPairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate-key-pair", abstract: "Generate a cosign-format encrypted ECDSA P-256 key pair.")

    func run() throws {
        throw CommandFailure("`airlock generate-key-pair` is not implemented yet")
    }
}
