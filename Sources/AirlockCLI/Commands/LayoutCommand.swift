import ArgumentParser

/// `airlock layout`: Inspect and check OCI image layouts.
struct LayoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "layout", abstract: "Inspect and check OCI image layouts.")

    func run() throws {
        throw CommandFailure("`airlock layout` is not implemented yet")
    }
}
