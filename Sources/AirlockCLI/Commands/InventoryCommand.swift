import ArgumentParser

/// `airlock inventory`: List the blobs a layout already has, for delta packs.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inventory", abstract: "List the blobs a layout already has, for delta packs.")

    func run() throws {
        throw CommandFailure("`airlock inventory` is not implemented yet")
    }
}
