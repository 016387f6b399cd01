import AirlockCrypto
import ArgumentParser

/// `--password-file`, shared by every command that creates or opens a cosign private key.
struct PasswordOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Read the private key password from this file (one trailing newline is removed).",
        valueName: "file"))
    var passwordFile: String?

    /// How the password of a cosign key is found, for the commands' help.
    static let discussion = """
        The private key password comes from --password-file when given (the file's content, minus \
        one trailing "\\n" or "\\r\\n"); else from COSIGN_PASSWORD when it is set, even to the empty \
        string; else it is asked on the terminal without echo. Unlike cosign, airlock never reads \
        the password from a piped stdin: with no terminal and no other source it stops with an error.
        """

    var source: PasswordSource {
        PasswordSource(file: passwordFile, fileOption: "--password-file", environmentVariable: "COSIGN_PASSWORD",
                       prompt: "Enter password for private key: ",
                       confirmationPrompt: "Enter password for private key again: ")
    }
}
