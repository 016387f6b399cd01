import AirlockCrypto
import ArgumentParser
import Foundation

/// `airlock public-key`: Print the public key of a cosign-format private key.
struct PublicKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "public-key",
        abstract: "Print the public key of a cosign-format private key.",
        discussion: PasswordOptions.discussion)

    @Option(name: .shortAndLong, help: ArgumentHelp("The cosign private key file.", valueName: "file"))
    var key: String

    @Option(name: .long, help: ArgumentHelp("Write the PEM public key to this file instead of stdout.", valueName: "file"))
    var outfile: String?

    @OptionGroup var passwords: PasswordOptions

    func run() throws {
        let pem = Data(try loadSigningKey(path: key, passwords: passwords).publicKey.pem.utf8)
        if let outfile {
            try StagedFile(destination: outfile, mode: 0o644, contents: pem).commit(overwrite: true)
            Terminal.printNotice("Public key written to \(outfile)")
        } else {
            FileHandle.standardOutput.write(pem)
        }
    }
}
