import AirlockCrypto
import ArgumentParser

/// `airlock import-key-pair`: Import a PEM private key into a cosign-format key pair.
struct ImportKeyPairCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-key-pair",
        abstract: "Import a PEM private key into a cosign-format key pair.",
        discussion: """
            Reads the first PEM block of --key: PRIVATE KEY (PKCS#8), EC PRIVATE KEY (SEC1), RSA PRIVATE KEY \
            (PKCS#1) or ENCRYPTED PRIVATE KEY (PKCS#8 with PBES2, which cosign does not accept). Keys must be \
            ECDSA P-256/P-384/P-521, RSA 2048/3072/4096 or Ed25519. The password of an ENCRYPTED PRIVATE KEY \
            comes from --input-password-file, else AIRLOCK_IMPORT_PASSWORD when set, else a terminal prompt. \
            Writes PREFIX.key and PREFIX.pub. 
            """ + PasswordOptions.discussion)

    @Option(name: .shortAndLong, help: ArgumentHelp("The PEM private key to import.", valueName: "file"))
    var key: String

    @Option(name: .long, help: ArgumentHelp("Write PREFIX.key and PREFIX.pub.", valueName: "prefix"))
    var outputKeyPrefix = "import-cosign"

    @Flag(name: .long, help: "Overwrite PREFIX.key and PREFIX.pub if they exist.")
    var force = false

    @Option(name: .long, help: ArgumentHelp(
        "Read the password of an ENCRYPTED PRIVATE KEY input from this file (one trailing newline is removed).",
        valueName: "file"))
    var inputPasswordFile: String?

    @OptionGroup var passwords: PasswordOptions

    func run() throws {
        let files = KeyPairFiles(prefix: outputKeyPrefix)
        try files.checkWritable(force: force)
        let pem = try InputFile.secret(key, limit: InputFile.keyLimit, what: "private key")
        let inputPassword = PasswordSource(
            file: inputPasswordFile, fileOption: "--input-password-file", environmentVariable: "AIRLOCK_IMPORT_PASSWORD",
            prompt: "Enter password for the key being imported: ", confirmationPrompt: "")
        let imported: PrivateKey
        do {
            imported = try PrivateKey(importingPEM: pem) { try inputPassword.read(confirm: false) }
        } catch let error as CryptoError {
            throw CommandFailure("cannot import \(key): \(error.message)")
        }
        let password = try passwords.source.read(confirm: true)
        try files.write(try CosignKeyFile(encrypting: imported, password: password), publicKey: imported.publicKey,
                        force: force)
    }
}
