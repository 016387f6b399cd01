import ArgumentParser

/// `airlock verify`: Verify the signatures of an image in an OCI layout.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Verify the signatures of an image in an OCI layout.")

    func run() throws {
        throw CommandFailure("`airlock verify` is not implemented yet")
    }
}
