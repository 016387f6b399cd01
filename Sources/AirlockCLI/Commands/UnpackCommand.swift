import ArgumentParser

/// `airlock unpack`: Check and unpack a tarball into an OCI layout.
struct UnpackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unpack", abstract: "Check and unpack a tarball into an OCI layout.")

    func run() throws {
        throw CommandFailure("`airlock unpack` is not implemented yet")
    }
}
