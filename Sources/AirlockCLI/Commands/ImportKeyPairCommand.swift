import ArgumentParser

/// `airlock import-key-pair`: Import a PEM private key into a cosign-format key pair.
struct ImportKeyPairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import-key-pair", abstract: "Import a PEM private key into a cosign-format key pair.")

    func run() throws {
        throw CommandFailure("`airlock import-key-pair` is not implemented yet")
    }
}
