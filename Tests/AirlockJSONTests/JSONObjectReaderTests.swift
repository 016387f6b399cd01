import AirlockJSON
import Foundation
import Testing

/// Field lookup by protojson's rules: exact names, camelCase or snake_case, once each.
@Suite struct JSONObjectReaderTests {
    private func reader(_ json: String) throws -> JSONObjectReader {
        try JSONObjectReader(try JSONValue.parse(Data(json.utf8)), path: "doc", fields: ["publicKey", "logIndex"])
    }

    @Test func bothSpellingsAndNullAsAbsent() throws {
        #expect(try reader(#"{"publicKey": "a", "log_index": "7"}"#).string("publicKey") == "a")
        #expect(try reader(#"{"publicKey": "a", "log_index": "7"}"#).int64("logIndex") == 7)
        #expect(try reader(#"{"publicKey": null}"#).contains("publicKey") == false)
    }

    @Test func unknownAndRepeatedFieldsAreRefused() throws {
        #expect(throws: FormatError.self) { try reader(#"{"publicKey": "a", "other": 1}"#) }
        #expect(throws: FormatError.self) { try reader(#"{"logIndex": "1", "log_index": "2"}"#) }
    }

    @Test func canonicallyEquivalentSpellingIsAnotherName() throws {
        // "publicKey" with U+212A KELVIN SIGN: equal as Swift strings, a different name to protojson.
        let kelvin = "public\u{212A}ey"
        #expect(kelvin == "publicKey")
        #expect(throws: FormatError.self) { try reader("{\"\(kelvin)\": \"a\"}") }
    }
}
