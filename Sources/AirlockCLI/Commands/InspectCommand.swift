import ArgumentParser

/// `airlock inspect`: Show the images, signatures and attestations in a tarball or layout.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show the images, signatures and attestations in a tarball or layout.")

    func run() throws {
        throw CommandFailure("`airlock inspect` is not implemented yet")
    }
}
