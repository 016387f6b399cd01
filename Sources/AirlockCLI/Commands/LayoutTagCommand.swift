import ArgumentParser
import Foundation
import OCI

/// `airlock layout tag DIR[:TAG|@DIGEST] NAME`: tag an image of a layout.
struct LayoutTagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Tag an image of a layout (sets org.opencontainers.image.ref.name in index.json).",
        discussion: """
        SOURCE is DIR, DIR:TAG or DIR@sha256:HEX; a manifest stored only as a blob (e.g. one \
        platform of a multi-platform image) gets its own index.json entry. A tag already on \
        another image moves. Safe to run from several processes on one layout at once.
        """
    )

    @Argument(help: "The image to tag: DIR, DIR:TAG or DIR@sha256:HEX.")
    var source: String

    @Argument(help: "The new tag ([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}).")
    var name: String

    func validate() throws {
        guard LayoutReference.isValidTag(name) else {
            throw ValidationError("\"\(name)\" is not a valid tag: use letters, digits, '_', '.' and '-' (not first), at most 128 characters")
        }
    }

    func run() throws {
        let reference = try LayoutReference(parsing: source)
        let layout = try OCILayout.open(at: reference.directory)
        let descriptor = try layout.resolve(reference.selector)
        try layout.tag(descriptor.digest, as: name)
        Terminal.printLine("\(reference.path):\(name) -> \(descriptor.digest)")
    }
}
