import AirlockCrypto
import Foundation

/// Where one password comes from, in cosign's order (FORMATS.md §1.3): a file named on the
/// command line, else an environment variable when it is set (even empty), else a prompt
/// on the terminal. Two documented deviations from cosign: the file option exists, and a
/// piped stdin is never read as the password (it is an error instead, so nothing hangs).
struct PasswordSource {
    /// The file to read, if the option was given.
    let file: String?
    /// The option that names the file, for messages.
    let fileOption: String
    let environmentVariable: String
    let prompt: String
    /// Asked after `prompt` when a new password must be typed twice.
    let confirmationPrompt: String

    /// The password; with `confirm`, a terminal prompt asks twice and compares.
    func read(confirm: Bool) throws -> SecureBytes {
        if let file {
            return try PasswordFile.read(path: file, option: fileOption)
        }
        if let value = getenv(environmentVariable) {
            return SecureBytes(copying: UnsafeRawBufferPointer(start: value, count: strlen(value)))
        }
        guard Terminal.stdinIsTerminal else {
            throw CommandFailure("no password given: set \(environmentVariable) (it may be empty) or pass \(fileOption); "
                + "stdin is not a terminal, so airlock cannot prompt")
        }
        let password = try TerminalPrompt.readSecret(prompt: prompt)
        if confirm {
            let again = try TerminalPrompt.readSecret(prompt: confirmationPrompt)
            guard password.isEqual(to: again) else { throw CommandFailure("passwords do not match") }
        }
        return password
    }
}

/// A password file: its content verbatim, except that one trailing "\n" or "\r\n" is removed
/// (what `echo`, editors and secret mounts usually add).
enum PasswordFile {
    static let maxByteCount = 64 * 1024

    static func read(path: String, option: String) throws -> SecureBytes {
        var bytes = try InputFile.bytes(path, limit: maxByteCount, what: "password file given to \(option)")
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        return SecureBytes(wiping: &bytes)
    }
}
