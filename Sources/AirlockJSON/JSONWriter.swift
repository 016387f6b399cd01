import Foundation

/// How strings are escaped when JSON is written.
public enum JSONStringEscaping: Sendable {
    /// What JSON requires and nothing more: `"` and `\`, control characters as `\b \f \n \r \t`
    /// or `\u00xx`. This is also ECMAScript's, hence RFC 8785's, string escaping.
    case minimal
    /// Go `encoding/json` (`json.Marshal`): also `<` `>` `&` as `\u003c` `\u003e` `\u0026`, and
    /// U+2028, U+2029 as `\u2028`, `\u2029`.
    case goHTMLSafe
}

extension JSONValue {
    /// Compact JSON (no whitespace), members in their stored order, numbers as written.
    public func serialized(escaping: JSONStringEscaping = .minimal) -> Data {
        var writer = JSONWriter(escaping: escaping)
        writer.write(self)
        return Data(writer.output)
    }

    /// `serialized(escaping:)` as a string.
    public func serializedString(escaping: JSONStringEscaping = .minimal) -> String {
        var writer = JSONWriter(escaping: escaping)
        writer.write(self)
        return String(decoding: writer.output, as: UTF8.self)
    }

    /// RFC 8785 JSON Canonicalization Scheme: members sorted by the UTF-16 code units of their
    /// keys, no whitespace, ECMAScript number and string forms. Integers up to 2^53 print as
    /// written; other numbers go through IEEE 754 doubles as the RFC prescribes. Fails on a
    /// number beyond the `Double` range and on duplicate keys.
    public func canonicalJSON() throws(JSONError) -> Data {
        var writer = JSONWriter(escaping: .minimal)
        try writer.writeCanonical(self)
        return Data(writer.output)
    }
}

/// Appends JSON text to a byte buffer.
struct JSONWriter {
    private(set) var output: [UInt8] = []
    let escaping: JSONStringEscaping

    init(escaping: JSONStringEscaping) {
        self.escaping = escaping
        output.reserveCapacity(256)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: number.text.utf8)
        case .string(let string): writeString(string)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                write(element)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (position, member) in members.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.key)
                output.append(UInt8(ascii: ":"))
                write(member.value)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    mutating func writeCanonical(_ value: JSONValue) throws(JSONError) {
        switch value {
        case .number(let number):
            output.append(contentsOf: try CanonicalNumber.text(of: number).utf8)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                try writeCanonical(element)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            let sorted = members.map { (units: Array($0.key.utf16), member: $0) }
                .sorted { $0.units.lexicographicallyPrecedes($1.units) }
            output.append(UInt8(ascii: "{"))
            for (position, entry) in sorted.enumerated() {
                if position > 0 {
                    guard sorted[position - 1].units != entry.units else { throw JSONError(.duplicateKey(entry.member.key)) }
                    output.append(UInt8(ascii: ","))
                }
                writeString(entry.member.key)
                output.append(UInt8(ascii: ":"))
                try writeCanonical(entry.member.value)
            }
            output.append(UInt8(ascii: "}"))
        case .null, .bool, .string:
            write(value)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    mutating func writeString(_ string: String) {
        var string = string
        string.withUTF8 { appendQuoted($0) }
    }

    private mutating func appendQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        output.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            var escape: [UInt8]?
            var width = 1
            switch byte {
            case UInt8(ascii: "\""): escape = [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): escape = [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: escape = [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: escape = [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: escape = [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: escape = [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: escape = [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: escape = unicodeEscape(UInt16(byte))
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                if escaping == .goHTMLSafe { escape = unicodeEscape(UInt16(byte)) }
            case 0xE2:
                // U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are E2 80 A8 / E2 80 A9.
                if escaping == .goHTMLSafe, index + 2 < utf8.count, utf8[index + 1] == 0x80,
                   utf8[index + 2] == 0xA8 || utf8[index + 2] == 0xA9 {
                    escape = unicodeEscape(utf8[index + 2] == 0xA8 ? 0x2028 : 0x2029)
                    width = 3
                }
            default:
                break
            }
            if let escape {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                output.append(contentsOf: escape)
                runStart = index + width
            }
            index += width
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        output.append(UInt8(ascii: "\""))
    }

    private func unicodeEscape(_ unit: UInt16) -> [UInt8] {
        let digits = Self.hexDigits
        return [UInt8(ascii: "\\"), UInt8(ascii: "u"),
                digits[Int(unit >> 12)], digits[Int(unit >> 8 & 0xF)], digits[Int(unit >> 4 & 0xF)], digits[Int(unit & 0xF)]]
    }
}
