import ArgumentParser
import Foundation
import Transfer

/// `airlock unpack`: Check and unpack a tarball into an OCI layout.
struct UnpackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpack",
        abstract: "Check and unpack a tarball into an OCI layout.",
        discussion: """
        Every entry is hostile until checked: only oci-layout, index.json, blobs/<alg>/<hex> \
        and airlock/... are accepted; links, devices, absolute paths, .., duplicates and sizes \
        beyond what the layout declares are refused, naming the entry. Blobs are hashed while \
        written to a staging directory beside LAYOUT; nothing reaches LAYOUT until every \
        digest matches and every requested check passes. Then blobs LAYOUT lacks are moved \
        in and index.json is replaced atomically (existing entries kept; a tag that already \
        names another manifest is refused unless --force). A failure or a kill leaves LAYOUT \
        as it was.

        Checks judge images, so every index.json entry must be an image or an attachment of \
        one: a signature, attestation or SBOM image tagged sha256-<hex>.sig/.att/.sbom (or \
        annotated kind=.../sigs or .../atts beside a kind=.../image entry), or an untagged \
        referrer whose subject is the image, each shaped like its kind and naming an image \
        of the tarball or one of its platforms. Any other manifest is an image and is \
        checked; an attachment that names no such image, carries another tag or has the \
        wrong shape is refused. With checks, a tarball of no image is refused.

        A tarball cannot vouch for itself: the keys, trusted roots and policies under \
        airlock/ in it are not used unless you name them; trust comes from your own.

        Exit status: 0 unpacked; 1 the tarball was refused (an entry, a digest, a size or a \
        check failed); 2 it could not be read, LAYOUT is not a layout, or a tag conflicts.
        """
    )

    @Argument(help: ArgumentHelp("The tarball: .tar, .tar.gz or .tar.zst (detected from the content).", valueName: "tarball"))
    var archive: String

    @Option(name: .shortAndLong, help: ArgumentHelp("The layout to create or merge into.", valueName: "layout"))
    var output: String

    @OptionGroup var arrival: ArrivalOptions

    @Flag(help: "Move tags of LAYOUT that the tarball gives to other manifests.")
    var force = false

    @Flag(help: "No progress bar and no summary.")
    var quiet = false

    func run() throws {
        let progress = TerminalProgress.make("unpacking", quiet: quiet)
        let result = try TransferFailure.mapping {
            try Unpacker(progress: progress).unpack(UnpackRequest(
                archive: URL(fileURLWithPath: archive), destination: URL(fileURLWithPath: output),
                checks: arrival.checks(), force: force))
        }
        guard !quiet else { return }
        let verb = result.createdLayout ? "created" : "merged into"
        Terminal.printLine("unpacked \(result.images.count) image(s): \(verb) \(output), \(result.blobsAdded) new blob(s) "
            + "(\(ByteCount(result.bytesAdded))), \(result.blobsAlreadyPresent) already present, \(result.indexEntriesAdded) index entr\(result.indexEntriesAdded == 1 ? "y" : "ies") added")
        for report in result.reports {
            Terminal.printLine("check \"\(report.check)\": passed for \(report.verdicts.count) image(s)")
        }
    }
}
