import Foundation

/// Standard streams: one-line errors, plain output, and whether a terminal is attached.
///
/// Text output carries strings from hostile layouts, tarballs and bundles (media types,
/// tags, annotations, identities, reasons quoting them). Every line printed here goes through
/// `escaped`, so such a string can neither start a line of its own (a forged `ACCEPT …`) nor
/// send terminal control sequences. JSON output is printed as encoded (JSON escapes these).
enum Terminal {
    /// Prints `airlock: error: <message>` as exactly one line on stderr.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("airlock: error: \(escaped(message))\n".utf8))
    }

    /// Prints a one-line notice on stderr (progress, warnings).
    static func printNotice(_ message: String) {
        FileHandle.standardError.write(Data("\(escaped(message))\n".utf8))
    }

    /// Prints each line of text output on stdout, escaped.
    static func printLines(_ lines: [String]) {
        for line in lines { print(escaped(line)) }
    }

    /// Prints one line of text output on stdout, escaped.
    static func printLine(_ line: String) { printLines([line]) }

    /// `text` with every character that could break or disguise a terminal line written as an
    /// escape: C0 controls (`\n`, `\r`, `\t`, others as `\u{1b}`), DEL, C1 controls, the
    /// Unicode line and paragraph separators, and the bidirectional formatting characters
    /// (which reorder what is displayed).
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                out.append(scalar)
                continue
            }
            let escape = switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            default: "\\u{\(String(scalar.value, radix: 16))}"
            }
            out.append(contentsOf: escape.unicodeScalars)
        }
        return String(out)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true                       // C0, DEL, C1 (NEL included)
        case 0x2028, 0x2029: true                                  // line and paragraph separators
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // bidirectional formatting
        default: false
        }
    }

    static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
