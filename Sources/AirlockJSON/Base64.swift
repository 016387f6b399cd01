import Foundation

/// Base64 (RFC 4648) decoding in the two flavours Sigstore formats need.
public enum Base64 {
    /// The protojson `bytes` rule (also accepted for DSSE fields): the URL-safe alphabet if the
    /// text contains `-` or `_`, else the standard one; padding optional when the length is not
    /// a multiple of 4, required (and exact) otherwise. No whitespace. Nil when invalid.
    public static func decodeLenient(_ text: String) -> Data? {
        let utf8 = Array(text.utf8)
        let urlSafe = utf8.contains { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        return decode(utf8, urlSafe: urlSafe, paddingRequired: utf8.count % 4 == 0)
    }

    /// The standard alphabet with padding, nothing else (Go's `base64.StdEncoding`). Nil when
    /// invalid.
    public static func decodeStandard(_ text: String) -> Data? {
        decode(Array(text.utf8), urlSafe: false, paddingRequired: true)
    }

    /// Standard alphabet with padding (what protojson and Go write).
    public static func encode(_ data: Data) -> String {
        data.base64EncodedString()
    }

    private static func decode(_ utf8: [UInt8], urlSafe: Bool, paddingRequired: Bool) -> Data? {
        var body = utf8[...]
        var padding = 0
        while body.last == UInt8(ascii: "=") {
            body = body.dropLast()
            padding += 1
        }
        if paddingRequired {
            guard utf8.count % 4 == 0, padding == (4 - body.count % 4) % 4 else { return nil }
        } else {
            guard padding == 0 else { return nil }
        }
        guard body.count % 4 != 1 else { return nil }
        var out = Data(capacity: body.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in body {
            guard let value = sextet(character, urlSafe: urlSafe) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }

    private static func sextet(_ character: UInt8, urlSafe: Bool) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+") where !urlSafe, UInt8(ascii: "-") where urlSafe: 62
        case UInt8(ascii: "/") where !urlSafe, UInt8(ascii: "_") where urlSafe: 63
        default: nil
        }
    }
}
