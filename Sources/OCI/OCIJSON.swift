import AirlockJSON
import Foundation

/// JSON coding shared by the model types: size-limited strict decoding with one-line errors,
/// and the stable encoding airlock writes.
enum OCIJSON {
    /// Sorted keys, unescaped slashes, compact: the same value always gives the same bytes.
    static func encode<T: Encodable>(_ value: T, pretty: Bool = false) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Decodes `data` as `T`, refusing more than `OCILimits.maxManifestBytes`. The strict
    /// parser checks the syntax first: Foundation's decoder keeps the first of duplicate keys
    /// where Go tools keep the last, so a document with duplicate keys could mean one thing to
    /// airlock and another to a registry or runtime; it is refused.
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws -> T {
        try checkSyntax(data, what: what)
        return try decodeChecked(type, from: data, what: what)
    }

    /// The checks of `decode` before decoding: the size limit and the strict syntax.
    static func checkSyntax(_ data: Data, what: String) throws {
        guard data.count <= OCILimits.maxManifestBytes else {
            throw OCIError(.refused, "\(what) is \(data.count) bytes, over the \(OCILimits.maxManifestBytes)-byte limit")
        }
        do {
            _ = try JSONValue.parse(data, limits: JSONLimits(maxBytes: OCILimits.maxManifestBytes, maxDepth: 32))
        } catch {
            throw OCIError(.malformed, "malformed \(what): \(error)")
        }
    }

    /// The rest of `decode`, for `data` that passed `checkSyntax`: decodes it as `T`.
    static func decodeChecked<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw OCIError(.malformed, "malformed \(what): \(describe(error))")
        }
    }

    static func decodeSchemaVersion<K: CodingKey>(_ container: KeyedDecodingContainer<K>, forKey key: K) throws -> Int {
        let version = try container.decode(Int.self, forKey: key)
        guard version == 2 else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "schemaVersion \(version) is not 2")
        }
        return version
    }

    /// A required `mediaType` field; it must be a media type by RFC 6838 (`MediaType.isWellFormed`).
    static func decodeMediaType<K: CodingKey>(_ container: KeyedDecodingContainer<K>, forKey key: K) throws -> String {
        try checkMediaType(container.decode(String.self, forKey: key), container, key)
    }

    /// An optional `mediaType` or `artifactType` field, checked as `decodeMediaType` does.
    static func decodeMediaTypeIfPresent<K: CodingKey>(_ container: KeyedDecodingContainer<K>, forKey key: K) throws -> String? {
        try container.decodeIfPresent(String.self, forKey: key).map { try checkMediaType($0, container, key) }
    }

    private static func checkMediaType<K: CodingKey>(_ text: String, _ container: KeyedDecodingContainer<K>, _ key: K) throws -> String {
        guard MediaType.isWellFormed(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                   debugDescription: "\"\(text.prefix(100))\" is not a media type (RFC 6838 type/subtype)")
        }
        return text
    }

    static func decodeDescriptors<K: CodingKey>(_ container: KeyedDecodingContainer<K>, forKey key: K) throws -> [Descriptor] {
        let descriptors = try container.decode([Descriptor].self, forKey: key)
        guard descriptors.count <= OCILimits.maxDescriptors else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container,
                debugDescription: "\(descriptors.count) descriptors, over the limit of \(OCILimits.maxDescriptors)")
        }
        return descriptors
    }

    /// One line: where in the document, and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "top level" : String(text.drop { $0 == "." })
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(jsonName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(jsonName(type)), found null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field missing"
        case .dataCorrupted(let context):
            let reason = context.codingPath.isEmpty ? "not valid JSON" : context.debugDescription
            return "\(path(context.codingPath)): \(reason)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default: "\(type)"
        }
    }
}
