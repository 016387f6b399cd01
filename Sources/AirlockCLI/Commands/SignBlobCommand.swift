import ArgumentParser
import Cosign
import Foundation

/// `airlock sign-blob`: sign a file with a static key, as `cosign sign-blob` does offline.
struct SignBlobCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-blob",
        abstract: "Sign a file with a static key (cosign-compatible, offline).",
        discussion: """
        --bundle writes a Sigstore bundle v0.3 with the public-key hint (b64 of the SHA-256 of \
        the key's SubjectPublicKeyInfo) and a message signature over the file with its digest; \
        --output-signature writes the signature in base64, as cosign does. At least one is \
        needed. No transparency-log entry is written. Ed25519 keys sign with pure Ed25519, as \
        cosign does without a log.

        \(PasswordOptions.discussion)
        """)

    @Option(name: .shortAndLong, help: ArgumentHelp("The cosign private key file.", valueName: "file"))
    var key: String

    @Option(name: .long, help: ArgumentHelp("Write a Sigstore bundle (v0.3) to this file.", valueName: "file"))
    var bundle: String?

    @Option(name: .long, help: ArgumentHelp("Write the base64 signature to this file.", valueName: "file"))
    var outputSignature: String?

    @OptionGroup var passwords: PasswordOptions

    @Argument(help: ArgumentHelp("The file to sign.", valueName: "file"))
    var file: String

    func validate() throws {
        guard bundle != nil || outputSignature != nil else {
            throw ValidationError("say where the signature goes: --bundle FILE and/or --output-signature FILE")
        }
        if let bundle, bundle == outputSignature {
            throw ValidationError("--bundle and --output-signature name the same file \(bundle)")
        }
    }

    func run() throws {
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: file), options: .alwaysMapped)
        } catch {
            throw CommandFailure("cannot read \(file): \(error.localizedDescription)")
        }
        let signature = try BlobSignature(signing: contents, with: try loadSigningKey(path: key, passwords: passwords))
        var staged: [(StagedFile, String)] = []
        if let bundle {
            staged.append((try StagedFile(destination: bundle, mode: 0o644, contents: signature.bundle.encoded()), "Wrote bundle to \(bundle)"))
        }
        if let outputSignature {
            staged.append((try StagedFile(destination: outputSignature, mode: 0o644, contents: Data(signature.signatureBase64.utf8)),
                           "Wrote signature to \(outputSignature)"))
        }
        for (file, notice) in staged {
            try file.commit(overwrite: true)
            Terminal.printNotice(notice)
        }
    }
}
