import Foundation

/// One PEM block: a label such as `PUBLIC KEY` and the DER bytes it armours.
public struct PEMBlock: Sendable, Equatable {
    public let label: String
    public let der: Data

    public init(label: String, der: Data) {
        self.label = label
        self.der = der
    }

    /// All blocks in `text`, in order. Text between blocks is ignored; a block without its
    /// END line, with PEM headers, or with a body that is not base64 is an error.
    public static func parseAll(_ text: String) throws -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var label: String?
        var body = ""
        // "\r\n" is one Character in Swift, so split on every line break, not on "\n".
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }) {
            let line = String(rawLine)
            if let open = label {
                if line.hasPrefix("-----END ") {
                    guard line == "-----END \(open)-----" else {
                        throw CryptoError("PEM block \"\(open)\" ends with \"\(line.prefix(60))\"")
                    }
                    guard let der = Data(base64Encoded: body), !der.isEmpty else {
                        throw CryptoError("PEM block \"\(open)\" does not hold valid base64")
                    }
                    blocks.append(PEMBlock(label: open, der: der))
                    label = nil
                    body = ""
                } else if line.contains(":") {
                    throw CryptoError("PEM block \"\(open)\" has headers, which are not supported")
                } else {
                    // Spaces and tabs around the base64 are ignored (trimmed by hand: Foundation's
                    // trimmingCharacters bridges through NSString, a measurable cost per process).
                    let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
                    body += line.drop(while: isBlank).reversed().drop(while: isBlank).reversed()
                }
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----"), line.count > 16 {
                label = String(line.dropFirst(11).dropLast(5))
            }
        }
        if let open = label {
            throw CryptoError("PEM block \"\(open)\" is truncated (no END line)")
        }
        return blocks
    }

    /// The first block in `text`; an error when there is none.
    public static func first(in text: String) throws -> PEMBlock {
        guard let block = try parseAll(text).first else {
            throw CryptoError("no PEM block found")
        }
        return block
    }

    /// The armoured text: 64-character lines, ending with a newline (as Go's `pem.Encode`).
    public var text: String {
        let encoded = der.base64EncodedString()
        var out = "-----BEGIN \(label)-----\n"
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 64, limitedBy: encoded.endIndex) ?? encoded.endIndex
            out += encoded[index..<end] + "\n"
            index = end
        }
        return out + "-----END \(label)-----\n"
    }
}
