import ArgumentParser

/// `airlock sign-blob`: Sign a file with a static key.
struct SignBlobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sign-blob", abstract: "Sign a file with a static key.")

    func run() throws {
        throw CommandFailure("`airlock sign-blob` is not implemented yet")
    }
}
