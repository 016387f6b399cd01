import AirlockCrypto
import AirlockJSON
import Foundation

/// A deterministic generator (SplitMix64): the same seed gives the same mutations.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound` (`bound > 0`).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// One of `choices` (non-empty).
    public mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
}

/// One seeded mutation of untrusted input, with a description of what it did (for failure
/// messages). Byte mutations flip bits, truncate, overwrite, delete, duplicate and insert;
/// JSON mutations delete, duplicate (a repeated key) or retype one member or element, replace
/// it with a huge number, a very long string, deep nesting or invalid UTF-8, or flip a bit in
/// its text or in the bytes its base64 decodes to.
public enum Mutation {
    public static let hugeNumbers = ["9223372036854775807", "9223372036854775808", "-1", "1e400", "18446744073709551616",
                                     "0", "99999999999999999999999999", "-9223372036854775808", "4294967296", "-0", "1.5"]

    /// Bytes that end strings, open containers or break encodings.
    static let interestingBytes: [UInt8] = [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0x22, 0x5C, 0x7B, 0x5B, 0x2C, 0x3A, 0x0A, 0x2D]

    /// A byte-level mutation of `data` (which may be empty).
    public static func bytes(_ data: Data, using random: inout SplitMix64) -> (Data, String) {
        var copy = data
        guard !copy.isEmpty else { return (Data([0xFF]), "empty input replaced by 0xff") }
        let index = copy.startIndex + random.below(copy.count)
        switch random.below(8) {
        case 0:
            let flips = 1 + random.below(4)
            for _ in 0..<flips { copy[copy.startIndex + random.below(copy.count)] ^= UInt8(1) << UInt8(random.below(8)) }
            return (copy, "\(flips) bit flip(s)")
        case 1:
            return (copy.prefix(index - copy.startIndex), "truncation to \(index - copy.startIndex) bytes")
        case 2:
            let byte = random.pick(interestingBytes)
            copy[index] = byte
            return (copy, "byte \(index - copy.startIndex) set to 0x\(String(byte, radix: 16))")
        case 3:
            let length = 1 + random.below(min(copy.count - (index - copy.startIndex), 64))
            copy.removeSubrange(index..<index + length)
            return (copy, "\(length) bytes deleted at \(index - copy.startIndex)")
        case 4:
            let length = 1 + random.below(min(copy.count - (index - copy.startIndex), 512))
            copy.insert(contentsOf: copy[index..<index + length], at: index)
            return (copy, "\(length) bytes duplicated at \(index - copy.startIndex)")
        case 5:
            let inserted = (0..<(1 + random.below(16))).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            copy.insert(contentsOf: inserted, at: index)
            return (copy, "\(inserted.count) random bytes inserted at \(index - copy.startIndex)")
        case 6:
            let digits = random.pick(hugeNumbers)
            copy.insert(contentsOf: Data(digits.utf8), at: index)
            return (copy, "\"\(digits)\" inserted at \(index - copy.startIndex)")
        default:
            copy.append(contentsOf: (0..<(1 + random.below(64))).map { _ in UInt8(truncatingIfNeeded: random.next()) })
            return (copy, "garbage appended")
        }
    }

    /// A JSON mutation of `json`: mostly structural, sometimes byte-level (and byte-level
    /// when `json` does not parse).
    public static func json(_ json: Data, using random: inout SplitMix64) -> (Data, String) {
        guard random.below(5) != 0, let value = try? JSONValue.parse(json) else { return bytes(json, using: &random) }
        let paths = value.memberPaths()
        guard !paths.isEmpty else { return bytes(json, using: &random) }
        return mutate(value, at: random.pick(paths), using: &random)
    }

    /// Mutates the member or element of `value` at `path`.
    public static func mutate(_ value: JSONValue, at path: [JSONPathStep], using random: inout SplitMix64) -> (Data, String) {
        let name = path.map(\.description).joined(separator: ".")
        switch random.below(9) {
        case 0:
            return (value.removing(path).serialized(), "deleted \(name)")
        case 1:
            return (value.duplicating(path).serialized(), "duplicated \(name)")
        case 2:
            let huge = random.pick(hugeNumbers)
            let replacement: JSONValue = random.below(2) == 0 ? .number(JSONNumber(text: huge) ?? JSONNumber(Int64(0))) : .string(huge)
            return (value.replacing(path) { _ in replacement }.serialized(), "\(name) = \(huge)")
        case 3:
            let replacement: JSONValue = random.pick([.null, true, 0, "", [], [:], "x", [[:]], ["x"]])
            return (value.replacing(path) { _ in replacement }.serialized(), "\(name) = \(replacement.serializedString())")
        case 4:
            let depth = random.pick([33, 200, 5000, 100_000])
            let nested = random.below(2) == 0
                ? Data(repeating: UInt8(ascii: "["), count: depth) + Data(repeating: UInt8(ascii: "]"), count: depth)
                : Data(String(repeating: "{\"a\":", count: depth).utf8) + Data("1".utf8) + Data(repeating: UInt8(ascii: "}"), count: depth)
            return (splice(value, at: path, raw: nested), "\(name) nested \(depth) deep")
        case 5:
            let length = random.pick([300, 5000, 70_000, 1_000_000])
            let long = JSONValue.string(String(repeating: length < 70_000 && random.below(2) == 0 ? "é/" : "A", count: length))
            return (value.replacing(path) { _ in long }.serialized(), "\(name) = string of \(length) characters")
        case 6:
            let invalid = random.pick([[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] as [[UInt8]])
            return (splice(value, at: path, raw: Data([0x22, 0x61]) + Data(invalid) + Data([0x22])), "\(name) holds invalid UTF-8")
        default:
            return (value.replacing(path) { flipped($0, using: &random) }.serialized(), "decoded bit flip in \(name)")
        }
    }

    /// A PEM mutation: the text itself, or the DER (or JSON, for cosign key envelopes) inside
    /// one block, re-armoured.
    public static func pem(_ text: String, using random: inout SplitMix64) -> (Data, String) {
        guard random.below(3) != 0, let blocks = try? PEMBlock.parseAll(text), !blocks.isEmpty else {
            return bytes(Data(text.utf8), using: &random)
        }
        let position = random.below(blocks.count)
        let block = blocks[position]
        let (inner, description) = block.der.first == UInt8(ascii: "{") ? json(block.der, using: &random) : bytes(block.der, using: &random)
        var changed = blocks
        changed[position] = PEMBlock(label: block.label, der: inner)
        return (Data(changed.map(\.text).joined().utf8), "PEM block \(position) (\(block.label)): \(description)")
    }

    /// Replaces the value at `path` with raw bytes (which need not be valid JSON).
    static func splice(_ value: JSONValue, at path: [JSONPathStep], raw: Data) -> Data {
        let marker = "@@airlock-mutation-marker@@"
        let text = value.replacing(path) { _ in .string(marker) }.serialized()
        guard let range = text.range(of: Data("\"\(marker)\"".utf8)) else { return text }
        var out = text
        out.replaceSubrange(range, with: raw)
        return out
    }

    /// A string with one bit flipped in the bytes its base64 decodes to (or else in one of its
    /// scalars); other values unchanged.
    static func flipped(_ leaf: JSONValue, using random: inout SplitMix64) -> JSONValue {
        guard case .string(let text) = leaf else { return leaf }
        if let bytes = Base64.decodeLenient(text), !bytes.isEmpty {
            var flipped = bytes
            let bit = random.below(bytes.count * 8)
            flipped[bit / 8] ^= UInt8(1) << UInt8(bit % 8)
            return .string(Base64.encode(flipped))
        }
        var scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { return leaf }
        let position = random.below(scalars.count)
        guard let changed = Unicode.Scalar(scalars[position].value ^ 1) else { return leaf }
        scalars[position] = changed
        return .string(String(String.UnicodeScalarView(scalars)))
    }
}

/// A step into a JSON document: an object member or an array element.
public enum JSONPathStep: Sendable, CustomStringConvertible {
    case member(String)
    case element(Int)

    public var description: String {
        switch self {
        case .member(let key): key
        case .element(let index): "[\(index)]"
        }
    }
}

extension JSONValue {
    /// Every path to a member or element, depth first.
    public func memberPaths(prefix: [JSONPathStep] = []) -> [[JSONPathStep]] {
        switch self {
        case .object(let members):
            return members.flatMap { [prefix + [.member($0.key)]] + $0.value.memberPaths(prefix: prefix + [.member($0.key)]) }
        case .array(let elements):
            return elements.enumerated().flatMap { [prefix + [.element($0.offset)]] + $0.element.memberPaths(prefix: prefix + [.element($0.offset)]) }
        default:
            return []
        }
    }

    /// This value with the value at `path` replaced by `change(old)`.
    public func replacing(_ path: [JSONPathStep], with change: (JSONValue) -> JSONValue) -> JSONValue {
        guard let step = path.first else { return change(self) }
        let rest = Array(path.dropFirst())
        switch (self, step) {
        case (.object(let members), .member(let key)):
            return .object(members.map { $0.key == key ? (key: $0.key, value: $0.value.replacing(rest, with: change)) : $0 })
        case (.array(let elements), .element(let index)):
            return .array(elements.enumerated().map { $0.offset == index ? $0.element.replacing(rest, with: change) : $0.element })
        default:
            return self
        }
    }

    /// This value without the member or element at `path`.
    public func removing(_ path: [JSONPathStep]) -> JSONValue {
        editContainer(path) { members, elements, step in
            switch step {
            case .member(let key): members?.removeAll { $0.key == key }
            case .element(let index): if let count = elements?.count, index < count { elements?.remove(at: index) }
            }
        }
    }

    /// This value with the member (a repeated key) or element at `path` appended again.
    public func duplicating(_ path: [JSONPathStep]) -> JSONValue {
        editContainer(path) { members, elements, step in
            switch step {
            case .member(let key): if let member = members?.first(where: { $0.key == key }) { members?.append(member) }
            case .element(let index): if let count = elements?.count, index < count, let element = elements?[index] { elements?.append(element) }
            }
        }
    }

    /// Applies `edit` to the object members or array elements that hold the last step of `path`.
    private func editContainer(_ path: [JSONPathStep],
                               _ edit: (inout [(key: String, value: JSONValue)]?, inout [JSONValue]?, JSONPathStep) -> Void) -> JSONValue {
        guard let last = path.last else { return self }
        return replacing(Array(path.dropLast())) { container in
            var members = container.objectValue
            var elements = container.arrayValue
            edit(&members, &elements, last)
            if let members { return .object(members) }
            if let elements { return .array(elements) }
            return container
        }
    }
}
