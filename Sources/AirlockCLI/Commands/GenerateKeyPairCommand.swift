import AirlockCrypto
import ArgumentParser

/// `airlock generate-key-pair`: Generate a cosign-format encrypted ECDSA P-256 key pair.
struct GenerateKeyPairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate-key-pair",
        abstract: "Generate a cosign-format encrypted ECDSA P-256 key pair.",
        discussion: "Writes PREFIX.key (mode 0600, scrypt N=65536) and PREFIX.pub. " + PasswordOptions.discussion)

    @Option(name: .long, help: ArgumentHelp("Write PREFIX.key and PREFIX.pub.", valueName: "prefix"))
    var outputKeyPrefix = "cosign"

    @Flag(name: .long, help: "Overwrite PREFIX.key and PREFIX.pub if they exist.")
    var force = false

    @OptionGroup var passwords: PasswordOptions

    func run() throws {
        let files = KeyPairFiles(prefix: outputKeyPrefix)
        try files.checkWritable(force: force)
        let password = try passwords.source.read(confirm: true)
        let key = try PrivateKey.generateP256()
        try files.write(try CosignKeyFile(encrypting: key, password: password), publicKey: key.publicKey, force: force)
    }
}
