import Foundation

/// Standard streams: one-line errors, plain output, and whether a terminal is attached.
enum Terminal {
    /// Prints `airlock: error: <message>` as exactly one line on stderr.
    static func printError(_ message: String) {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("airlock: error: \(oneLine)\n".utf8))
    }

    /// Prints a one-line notice on stderr (progress, warnings).
    static func printNotice(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
