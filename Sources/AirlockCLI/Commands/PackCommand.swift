import ArgumentParser
import Foundation
import OCI
import Transfer

/// `airlock pack`: Pack images, their signatures and trust material into one tarball.
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Pack images, their signatures and trust material into one tarball.",
        discussion: """
        The tarball is an OCI image layout at its root (tar -x, skopeo oci-archive: and umoci \
        read it). It holds every platform of each image, every signature, attestation and \
        bundle referrer attached to it, the trust material given with --include-*, and \
        airlock/contents.json listing every image, attachment and blob. The same inputs give \
        a byte-identical tarball; small entries come first and image layers last, so \
        `airlock inspect` reads only the head.

        IMAGE is DIR, DIR:TAG or DIR@DIGEST of an OCI layout, or an oci-archive or docker save \
        tarball (optionally with :TAG or @DIGEST), which is checked like any unpack first.
        """
    )

    @Option(name: .shortAndLong, help: "The tarball to write: .tar, .tar.gz/.tgz or .tar.zst.")
    var output: String

    @Option(help: "Compression: none, gzip or zstd (default: from the name of --output).")
    var compression: ArchiveCompression?

    @Option(name: .customLong("include-trusted-root"), help: ArgumentHelp("A Sigstore trusted_root.json to carry (repeatable).", valueName: "file"))
    var trustedRoots: [String] = []

    @Option(name: .customLong("include-key"), help: ArgumentHelp("A PEM public key to carry (repeatable).", valueName: "file"))
    var keys: [String] = []

    @Option(name: .customLong("include-policy"), help: ArgumentHelp("A YAML policy file to carry (repeatable).", valueName: "file"))
    var policies: [String] = []

    @Option(name: .customLong("skip-blobs-in"), help: ArgumentHelp("Leave out blobs listed in this inventory (from `airlock inventory` on the receiving side).", valueName: "inventory"))
    var skipBlobsIn: String?

    @Flag(help: "No progress bar and no summary.")
    var quiet = false

    @Argument(help: ArgumentHelp("Images to pack.", valueName: "image"))
    var images: [String] = []

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("name at least one image (DIR, DIR:TAG, DIR@DIGEST or a tarball)") }
        guard compression != nil || ArchiveCompression(fileName: output) != nil else {
            throw ValidationError("cannot tell the compression from the name \(output); name it .tar, .tar.gz, .tgz or .tar.zst, or pass --compression none|gzip|zstd")
        }
    }

    func run() throws {
        let progress = TerminalProgress.make("packing", quiet: quiet)
        let result = try TransferFailure.mapping {
            let request = PackRequest(
                images: try images.map(LayoutReference.init(parsing:)),
                output: URL(fileURLWithPath: output),
                compression: compression ?? ArchiveCompression(fileName: output) ?? .none,
                trustMaterial: trustedRoots.map { TrustMaterialFile(kind: .trustedRoot, url: URL(fileURLWithPath: $0)) }
                    + keys.map { TrustMaterialFile(kind: .key, url: URL(fileURLWithPath: $0)) }
                    + policies.map { TrustMaterialFile(kind: .policy, url: URL(fileURLWithPath: $0)) },
                skipBlobs: try skipBlobsIn.map { try Inventory(contentsOf: URL(fileURLWithPath: $0)) })
            return try Packer(progress: progress).pack(request)
        }
        guard !quiet else { return }
        let contents = result.contents
        let skipped = result.skippedBlobCount > 0 ? ", \(result.skippedBlobCount) left out (present at destination)" : ""
        Terminal.printLine("packed \(contents.images.count) image(s), \(contents.attachments.count) signature/attestation/referrer artifact(s), "
            + "\(contents.trustMaterial.count) trust file(s) and \(contents.blobs.count - result.skippedBlobCount) blob(s) "
            + "(\(ByteCount(result.blobBytes)))\(skipped) into \(output)")
    }
}
