import ArgumentParser

/// `airlock verify-blob`: Verify a file's signature or Sigstore bundle.
struct VerifyBlobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify-blob", abstract: "Verify a file's signature or Sigstore bundle.")

    func run() throws {
        throw CommandFailure("`airlock verify-blob` is not implemented yet")
    }
}
