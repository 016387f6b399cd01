import ArgumentParser
import Foundation
import OCI

/// `airlock layout untag DIR:TAG`: remove a tag from a layout.
struct LayoutUntagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "untag",
        abstract: "Remove a tag from a layout's index.json (blobs are kept).",
        discussion: "An index.json entry that carried only this tag is removed; other entries just lose the tag."
    )

    @Argument(help: "The tag to remove, as DIR:TAG.")
    var reference: String

    func run() throws {
        let parsed = try LayoutReference(parsing: reference)
        guard case .tag(let tag) = parsed.selector else {
            throw CommandFailure("\(reference) names no tag; write DIR:TAG", status: .usage)
        }
        try OCILayout.open(at: parsed.directory).untag(tag)
        Terminal.printLine("removed \(parsed.path):\(tag)")
    }
}
