import Foundation

/// Reads the members of one JSON object the way Go's protojson does: each field by its
/// lowerCamelCase name or its proto snake_case spelling (`logIndex` / `log_index`), at most once;
/// `null` meaning absent; int64 as a string or a number; bytes as base64 (`Base64.decodeLenient`);
/// and, unless told otherwise, unknown member names rejected. Errors name the field path.
public struct JSONObjectReader: Sendable {
    /// Where this object sits in the document, e.g. `bundle.verificationMaterial`.
    public let path: String
    private let values: [String: JSONValue]

    /// Reads `value`, which must be an object whose members are among `fields` (lowerCamelCase).
    public init(_ value: JSONValue, path: String, fields: [String], rejectUnknownFields: Bool = true) throws(FormatError) {
        guard case .object(let members) = value else {
            throw FormatError("\(path): expected an object, found \(value.typeName)")
        }
        var aliases: [String: String] = [:]
        for field in fields {
            aliases[field] = field
            aliases[Self.snakeCase(field)] = field
        }
        var values: [String: JSONValue] = [:]
        var seen = Set<String>()
        for member in members {
            // A dictionary lookup matches canonically equivalent keys (U+212A KELVIN SIGN for
            // "K"); protojson matches exact names only, so the spelling must be the same scalars.
            guard let field = aliases[member.key], Self.isSpelling(member.key, of: field) else {
                if rejectUnknownFields {
                    throw FormatError("\(path): unknown field \"\(member.key.prefix(60))\"")
                }
                continue
            }
            guard seen.insert(field).inserted else {
                throw FormatError("\(path): field \"\(field)\" appears more than once")
            }
            if !member.value.isNull { values[field] = member.value }
        }
        self.path = path
        self.values = values
    }

    private static func isSpelling(_ key: String, of field: String) -> Bool {
        key.unicodeScalars.elementsEqual(field.unicodeScalars) || key.unicodeScalars.elementsEqual(snakeCase(field).unicodeScalars)
    }

    /// `logIndex` → `log_index`, `x509CertificateChain` → `x509_certificate_chain`.
    static func snakeCase(_ name: String) -> String {
        var out = ""
        for character in name {
            if character.isUppercase {
                out += "_" + character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// The path of a member, for error messages.
    public func path(of field: String) -> String { "\(path).\(field)" }

    /// Whether the field is present and not null.
    public func contains(_ field: String) -> Bool { values[field] != nil }

    /// The raw value of a field (nil when absent or null).
    public func value(_ field: String) -> JSONValue? { values[field] }

    public func string(_ field: String) throws(FormatError) -> String? {
        guard let value = values[field] else { return nil }
        guard case .string(let string) = value else { throw typeError(field, "a string", value) }
        return string
    }

    public func requiredString(_ field: String) throws(FormatError) -> String {
        guard let string = try string(field) else { throw missing(field) }
        return string
    }

    /// A base64 `bytes` field.
    public func bytes(_ field: String) throws(FormatError) -> Data? {
        guard let text = try string(field) else { return nil }
        guard let data = Base64.decodeLenient(text) else { throw FormatError("\(path(of: field)): invalid base64") }
        return data
    }

    /// A `bytes` field that must be present and non-empty.
    public func requiredBytes(_ field: String) throws(FormatError) -> Data {
        guard let data = try bytes(field), !data.isEmpty else { throw missing(field) }
        return data
    }

    /// An int64 field, written as a decimal string or an integer number.
    public func int64(_ field: String) throws(FormatError) -> Int64? {
        guard let value = values[field] else { return nil }
        switch value {
        case .number(let number):
            if let integer = number.int64Value { return integer }
        case .string(let text):
            let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            if !body.isEmpty, body.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
               let integer = Int64(text) {
                return integer
            }
        default:
            break
        }
        throw typeError(field, "a 64-bit integer", value)
    }

    public func bool(_ field: String) throws(FormatError) -> Bool? {
        guard let value = values[field] else { return nil }
        guard case .bool(let flag) = value else { throw typeError(field, "a boolean", value) }
        return flag
    }

    /// A nested message.
    public func object(_ field: String, fields: [String]) throws(FormatError) -> JSONObjectReader? {
        guard let value = values[field] else { return nil }
        return try JSONObjectReader(value, path: path(of: field), fields: fields)
    }

    public func requiredObject(_ field: String, fields: [String]) throws(FormatError) -> JSONObjectReader {
        guard let object = try object(field, fields: fields) else { throw missing(field) }
        return object
    }

    /// A repeated field's elements (empty when absent), at most `limit` of them.
    public func array(_ field: String, limit: Int) throws(FormatError) -> [JSONValue] {
        guard let value = values[field] else { return [] }
        guard case .array(let elements) = value else { throw typeError(field, "an array", value) }
        guard elements.count <= limit else {
            throw FormatError("\(path(of: field)): \(elements.count) elements, more than the limit of \(limit)")
        }
        return elements
    }

    /// A repeated message field (empty when absent), at most `limit` elements.
    public func objects(_ field: String, fields: [String], limit: Int) throws(FormatError) -> [JSONObjectReader] {
        var readers: [JSONObjectReader] = []
        for (index, element) in try array(field, limit: limit).enumerated() {
            readers.append(try JSONObjectReader(element, path: "\(path(of: field))[\(index)]", fields: fields))
        }
        return readers
    }

    /// A repeated `bytes` field (empty when absent), at most `limit` elements.
    public func bytesArray(_ field: String, limit: Int) throws(FormatError) -> [Data] {
        var out: [Data] = []
        for (index, element) in try array(field, limit: limit).enumerated() {
            guard case .string(let text) = element, let data = Base64.decodeLenient(text) else {
                throw FormatError("\(path(of: field))[\(index)]: expected base64 bytes")
            }
            out.append(data)
        }
        return out
    }

    /// A `map<string, string>` field (empty when absent), at most `limit` entries.
    public func stringMap(_ field: String, limit: Int) throws(FormatError) -> [String: String] {
        guard let value = values[field] else { return [:] }
        guard case .object(let members) = value else { throw typeError(field, "an object", value) }
        guard members.count <= limit else {
            throw FormatError("\(path(of: field)): \(members.count) entries, more than the limit of \(limit)")
        }
        var map: [String: String] = [:]
        for member in members {
            guard case .string(let string) = member.value else {
                throw FormatError("\(path(of: field)).\(member.key.prefix(60)): expected a string")
            }
            map[member.key] = string
        }
        return map
    }

    /// An enum field written by name or by number; unknown values are an error.
    public func enumeration<Value>(_ field: String, _ cases: [(name: String, number: Int64, value: Value)]) throws(FormatError) -> Value? {
        guard let value = values[field] else { return nil }
        let match: (name: String, number: Int64, value: Value)?
        switch value {
        case .string(let name): match = cases.first { $0.name == name }
        case .number(let number): match = number.int64Value.flatMap { n in cases.first { $0.number == n } }
        default: throw typeError(field, "an enum name", value)
        }
        guard let match else {
            let shown = value.stringValue ?? value.serializedString()
            throw FormatError("\(path(of: field)): unsupported value \(shown.prefix(60))")
        }
        return match.value
    }

    /// A `google.protobuf.Timestamp` field (RFC 3339 text).
    public func timestamp(_ field: String) throws(FormatError) -> Date? {
        guard let text = try string(field) else { return nil }
        guard let date = RFC3339.parse(text) else {
            throw FormatError("\(path(of: field)): \"\(text.prefix(40))\" is not an RFC 3339 timestamp")
        }
        return date
    }

    public func missing(_ field: String) -> FormatError {
        FormatError("\(path(of: field)): required field is missing")
    }

    private func typeError(_ field: String, _ expected: String, _ value: JSONValue) -> FormatError {
        FormatError("\(path(of: field)): expected \(expected), found \(value.typeName)")
    }
}
