import ArgumentParser
import Foundation
import OCI

/// The images a command works on: layout references (`DIR`, `DIR:TAG`, `DIR@sha256:HEX`),
/// or with `--all` layout directories standing for every image they hold. Shared by
/// `sign` and `verify` so both take many images in one run (one key decryption, one
/// `index.json` update or scan per layout).
struct ImageArguments: ParsableArguments {
    @Flag(name: .long, help: "Every IMAGE is a layout directory: take every image it holds (signatures and referrers are not images).")
    var all = false

    @Argument(help: ArgumentHelp("The images: DIR, DIR:TAG or DIR@sha256:HEX (several allowed).", valueName: "image"))
    var images: [String]

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("name at least one image (DIR, DIR:TAG or DIR@sha256:HEX)") }
        if all {
            for image in images {
                guard let reference = try? LayoutReference(parsing: image), reference.selector == .soleImage else {
                    throw ValidationError("with --all, \"\(image)\" must be a layout directory without :TAG or @DIGEST")
                }
            }
        }
    }

    /// One image of a layout, with the text that named it.
    struct Image {
        let descriptor: Descriptor
        let label: String
    }

    /// The images grouped by layout, in the order the layouts were first named. Every
    /// reference is resolved before anything is done, so a typo fails before a password prompt.
    func resolve() throws -> [(layout: OCILayout, images: [Image])] {
        var groups: [(layout: OCILayout, images: [Image])] = []
        var positions: [String: Int] = [:]
        for text in images {
            let reference = try LayoutReference(parsing: text)
            let directory = reference.directory.standardizedFileURL.path
            let position = positions[directory] ?? groups.count
            if position == groups.count {
                positions[directory] = position
                groups.append((try OCILayout.open(at: reference.directory), []))
            }
            let layout = groups[position].layout
            if all {
                let entries = try layout.readIndex().imageEntries
                guard !entries.isEmpty else { throw CommandFailure("\(reference.path) holds no image") }
                groups[position].images += entries.map { Image(descriptor: $0, label: "\(reference.path)@\($0.digest)") }
            } else {
                groups[position].images.append(Image(descriptor: try layout.resolve(reference.selector), label: text))
            }
        }
        return groups
    }
}
