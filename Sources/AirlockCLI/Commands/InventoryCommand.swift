import ArgumentParser
import Foundation
import OCI
import Transfer

/// `airlock inventory`: List the blobs a layout already has, for delta packs.
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "List the blobs a layout already has, for delta packs.",
        discussion: """
        Writes JSON (digest and size of every blob file) to standard output. Carry it to the \
        sending side and pass it to `airlock pack --skip-blobs-in` to leave those blobs out; \
        the unpack then takes them from this layout. Contents are not re-hashed here.
        """
    )

    @Argument(help: ArgumentHelp("The layout directory.", valueName: "layout"))
    var layout: String

    func run() throws {
        let data = try TransferFailure.mapping {
            try Inventory(layout: try OCILayout.open(at: URL(fileURLWithPath: layout))).encoded()
        }
        FileHandle.standardOutput.write(data)
    }
}
