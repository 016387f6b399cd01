import ArgumentParser

/// `airlock pack`: Pack images, their signatures and trust material into one tarball.
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pack", abstract: "Pack images, their signatures and trust material into one tarball.")

    func run() throws {
        throw CommandFailure("`airlock pack` is not implemented yet")
    }
}
