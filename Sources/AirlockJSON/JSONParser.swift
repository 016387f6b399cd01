import Foundation

extension JSONValue {
    /// Parses one JSON document (RFC 8259) strictly: UTF-8 only (no BOM), no duplicate object
    /// keys (compared as Swift strings, i.e. canonically equivalent keys count as duplicates), no
    /// unpaired surrogate escapes, no trailing data, and within `limits`.
    public static func parse(_ data: Data, limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        guard data.count <= limits.maxBytes else { throw JSONError(.tooLarge(limit: limits.maxBytes), offset: 0) }
        let result: Result<JSONValue, JSONError> = data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw.bindMemory(to: UInt8.self), limits: limits)
            return Result { () throws(JSONError) in try parser.parseDocument() }
        }
        return try result.get()
    }

    /// Parses a JSON document held in a string.
    public static func parse(_ text: String, limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
        try parse(Data(text.utf8), limits: limits)
    }
}

/// A recursive-descent parser over a byte buffer; depth is bounded so recursion is too.
private struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONLimits
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == bytes.count else { throw fail(.trailingData) }
        return value
    }

    private func fail(_ reason: JSONError.Reason) -> JSONError { JSONError(reason, offset: index) }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func peek() throws(JSONError) -> UInt8 {
        guard index < bytes.count else { throw fail(.unexpectedEnd) }
        return bytes[index]
    }

    private mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        switch try peek() {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail(.unexpectedCharacter)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        for offset in 0..<literal.utf8CodeUnitCount {
            guard try peek() == literal.utf8Start[offset] else { throw fail(.unexpectedCharacter) }
            index += 1
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        var seen = Set<String>()
        guard try openContainer(depth: depth, closing: UInt8(ascii: "}")) else { return .object(members) }
        repeat {
            guard try peek() == UInt8(ascii: "\"") else { throw fail(.unexpectedCharacter) }
            let keyOffset = index
            let key = try parseString()
            guard seen.insert(key).inserted else { throw JSONError(.duplicateKey(key), offset: keyOffset) }
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw fail(.unexpectedCharacter) }
            index += 1
            skipWhitespace()
            members.append((key: key, value: try parseValue(depth: depth)))
        } while try continueContainer(closing: UInt8(ascii: "}"))
        return .object(members)
    }

    private mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
        var elements: [JSONValue] = []
        guard try openContainer(depth: depth, closing: UInt8(ascii: "]")) else { return .array(elements) }
        repeat {
            elements.append(try parseValue(depth: depth))
        } while try continueContainer(closing: UInt8(ascii: "]"))
        return .array(elements)
    }

    /// Steps over the opening bracket; false when the container is empty (closing consumed too).
    private mutating func openContainer(depth: Int, closing: UInt8) throws(JSONError) -> Bool {
        guard depth <= limits.maxDepth else { throw fail(.tooDeep(limit: limits.maxDepth)) }
        index += 1
        skipWhitespace()
        guard try peek() == closing else { return true }
        index += 1
        return false
    }

    /// After an item: true on `,` (another item follows), false on the closing bracket.
    private mutating func continueContainer(closing: UInt8) throws(JSONError) -> Bool {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: ","):
            index += 1
            skipWhitespace()
            return true
        case closing:
            index += 1
            return false
        default:
            throw fail(.unexpectedCharacter)
        }
    }

    private mutating func parseNumber() throws(JSONError) -> JSONNumber {
        let start = index
        while index < bytes.count, Self.isNumberByte(bytes[index]) {
            index += 1
            guard index - start <= limits.maxNumberLength else {
                throw JSONError(.numberTooLong(limit: limits.maxNumberLength), offset: start)
            }
        }
        let text = Array(bytes[start..<index])
        guard JSONNumber.isValid(text) else { throw JSONError(.invalidNumber, offset: start) }
        return JSONNumber(validatedText: String(decoding: text, as: UTF8.self))
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"),
             UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): true
        default: false
        }
    }

    /// Parses a string starting at its opening quote. Runs without escapes are copied as
    /// validated UTF-8 slices; escapes are decoded into a scratch buffer.
    private mutating func parseString() throws(JSONError) -> String {
        index += 1
        var decoded: [UInt8] = []
        var runStart = index
        var escaped = false
        while true {
            let byte = try peek()
            switch byte {
            case UInt8(ascii: "\""):
                let run = UnsafeBufferPointer(rebasing: bytes[runStart..<index])
                index += 1
                if !escaped { return String(decoding: run, as: UTF8.self) }
                decoded.append(contentsOf: run)
                return String(decoding: decoded, as: UTF8.self)
            case UInt8(ascii: "\\"):
                decoded.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                escaped = true
                try decodeEscape(into: &decoded)
                runStart = index
            case 0..<0x20:
                throw fail(.controlCharacterInString)
            case 0x20..<0x80:
                index += 1
            default:
                try skipUTF8Sequence()
            }
        }
    }

    /// Decodes the escape at `index` (a backslash) and appends its UTF-8 bytes.
    private mutating func decodeEscape(into out: inout [UInt8]) throws(JSONError) {
        index += 1
        let letter = try peek()
        index += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(letter)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try hexQuad()
            var scalarValue = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit) {
                guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail(.loneSurrogate)
                }
                index += 2
                let low = try hexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw fail(.loneSurrogate) }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(unit) {
                throw fail(.loneSurrogate)
            }
            guard let scalar = Unicode.Scalar(scalarValue), let encoded = UTF8.encode(scalar) else {
                throw fail(.loneSurrogate)
            }
            out.append(contentsOf: encoded)
        default:
            index -= 1
            throw fail(.invalidEscape)
        }
    }

    private mutating func hexQuad() throws(JSONError) -> UInt16 {
        guard bytes.count - index >= 4 else { throw fail(.unexpectedEnd) }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw fail(.invalidEscape)
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// Validates one multi-byte UTF-8 sequence at `index` (Unicode Table 3-7: no overlong
    /// forms, no surrogates, nothing above U+10FFFF) and steps over it.
    private mutating func skipUTF8Sequence() throws(JSONError) {
        let lead = bytes[index]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw fail(.invalidUTF8)
        }
        guard bytes.count - index >= length, secondRange.contains(bytes[index + 1]) else { throw fail(.invalidUTF8) }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[index + offset]) {
            throw fail(.invalidUTF8)
        }
        index += length
    }
}
