import ArgumentParser

/// `airlock sign`: Sign an image in an OCI layout with a static key.
struct SignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign", abstract: "Sign an image in an OCI layout with a static key.")

    func run() throws {
        throw CommandFailure("`airlock sign` is not implemented yet")
    }
}
