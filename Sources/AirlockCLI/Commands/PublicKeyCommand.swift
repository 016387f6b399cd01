import ArgumentParser

/// `airlock public-key`: Print the public key of a cosign-format private key.
struct PublicKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "public-key", abstract: "Print the public key of a cosign-format private key.")

    func run() throws {
        throw CommandFailure("`airlock public-key` is not implemented yet")
    }
}
