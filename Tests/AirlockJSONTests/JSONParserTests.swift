@testable import AirlockJSON
import Foundation
import Testing

@Suite("JSON parser")
struct JSONParserTests {
    private func reason(_ text: String, limits: JSONLimits = .default) -> JSONError.Reason? {
        reason(Data(text.utf8), limits: limits)
    }

    private func reason(_ bytes: Data, limits: JSONLimits = .default) -> JSONError.Reason? {
        do {
            _ = try JSONValue.parse(bytes, limits: limits)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func parsesEveryKindOfValueAndKeepsMemberOrder() throws {
        let value = try JSONValue.parse(#" { "z" : [1, -2.5e3, true, false, null, "x"], "a": {}, "m": [] } "#)
        let members = try #require(value.objectValue)
        #expect(members.map(\.key) == ["z", "a", "m"])
        #expect(value["z"] == [1, .number(JSONNumber(text: "-2.5e3")!), true, false, nil, "x"])
        #expect(value["a"] == .object([]))
        #expect(value["missing"] == nil)
    }

    @Test func keepsNumbersAsTheirText() throws {
        let big = "123456789012345678901234567890"
        let value = try JSONValue.parse("[\(big), 9223372036854775807, -9223372036854775808, 1.0, 1e2, -0]")
        let numbers = try #require(value.arrayValue).compactMap { value -> JSONNumber? in
            if case .number(let number) = value { return number }
            return nil
        }
        #expect(numbers.map(\.text) == [big, "9223372036854775807", "-9223372036854775808", "1.0", "1e2", "-0"])
        #expect(numbers[0].int64Value == nil)
        #expect(numbers[1].int64Value == Int64.max)
        #expect(numbers[2].int64Value == Int64.min)
        #expect(numbers[3].int64Value == nil && numbers[3].doubleValue == 1.0)
        #expect(numbers[4].isPlainInteger == false)
        #expect(value.serializedString() == "[\(big),9223372036854775807,-9223372036854775808,1.0,1e2,-0]")
    }

    @Test func rejectsDuplicateKeysAtAnyDepth() {
        #expect(reason(#"{"a":1,"a":2}"#) == .duplicateKey("a"))
        #expect(reason(#"{"x":{"b":1,"c":2,"b":3}}"#) == .duplicateKey("b"))
        // An escape spelling the same key is the same key.
        #expect(reason(#"{"ab":1,"a\u0062":2}"#) == .duplicateKey("ab"))
        #expect(reason(#"[{"a":1},{"a":2}]"#) == nil)
    }

    @Test func enforcesTheDepthLimit() {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(reason(deepest) == nil)
        #expect(reason(tooDeep) == .tooDeep(limit: 64))
        #expect(reason(#"{"a":{"b":{"c":1}}}"#, limits: JSONLimits(maxDepth: 2)) == .tooDeep(limit: 2))
        #expect(reason(#"{"a":{"b":1}}"#, limits: JSONLimits(maxDepth: 2)) == nil)
        // A hostile document far deeper than the stack could take fails cleanly.
        #expect(reason(String(repeating: "[", count: 1_000_000)) == .tooDeep(limit: 64))
    }

    @Test func enforcesSizeAndNumberLengthLimits() {
        #expect(reason("[1,2,3]", limits: JSONLimits(maxBytes: 6)) == .tooLarge(limit: 6))
        #expect(reason("[1,2,3]", limits: JSONLimits(maxBytes: 7)) == nil)
        #expect(reason(String(repeating: "9", count: 257)) == .numberTooLong(limit: 256))
        #expect(reason(String(repeating: "9", count: 256)) == nil)
    }

    @Test func rejectsInvalidUTF8() {
        let cases: [[UInt8]] = [
            [0xC0, 0xAF],             // overlong '/'
            [0xE0, 0x80, 0xAF],       // overlong
            [0xED, 0xA0, 0x80],       // UTF-8 encoded surrogate
            [0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
            [0xF5, 0x80, 0x80, 0x80],
            [0xE2, 0x82],             // truncated
            [0x80],                   // stray continuation
            [0xFF],
        ]
        for bytes in cases {
            #expect(reason(Data([UInt8(ascii: "\"")] + bytes + [UInt8(ascii: "\"")])) == .invalidUTF8, "\(bytes)")
        }
        let valid = Data("\"é€😀\"".utf8)
        #expect(reason(valid) == nil)
        // Outside strings non-ASCII bytes are simply unexpected.
        #expect(reason(Data([0xEF, 0xBB, 0xBF] + Array("{}".utf8))) == .unexpectedCharacter)
    }

    @Test func decodesEscapesAndRejectsLoneSurrogates() throws {
        let value = try JSONValue.parse(#""\"\\\/\b\f\n\r\t\u00e9\u20AC\ud83d\ude00""#)
        #expect(value == .string("\"\\/\u{8}\u{c}\n\r\té€😀"))
        #expect(reason(#""\ud800""#) == .loneSurrogate)
        #expect(reason(#""\udc00""#) == .loneSurrogate)
        #expect(reason(#""\ud800\u0041""#) == .loneSurrogate)
        #expect(reason(#""\ud800x""#) == .loneSurrogate)
        #expect(reason(#""\x""#) == .invalidEscape)
        #expect(reason(#""\u12g4""#) == .invalidEscape)
        #expect(reason("\"a\u{1}b\"") == .controlCharacterInString)
        #expect(reason("\"a\nb\"") == .controlCharacterInString)
    }

    @Test func rejectsMalformedSyntax() {
        #expect(reason("{} x") == .trailingData)
        #expect(reason("1 2") == .trailingData)
        #expect(reason("") == .unexpectedEnd)
        #expect(reason("   ") == .unexpectedEnd)
        #expect(reason(#"{"a":1"#) == .unexpectedEnd)
        #expect(reason(#""abc"#) == .unexpectedEnd)
        #expect(reason("[1,]") == .unexpectedCharacter)
        #expect(reason(#"{"a":1,}"#) == .unexpectedCharacter)
        #expect(reason("{'a':1}") == .unexpectedCharacter)
        #expect(reason("[01]") == .invalidNumber)
        #expect(reason("tru") == .unexpectedEnd)
        #expect(reason("nul!") == .unexpectedCharacter)
        #expect(reason("NaN") == .unexpectedCharacter)
        for number in ["-", "1.", ".5", "1e", "1e+", "--1", "+1", "1.e3", "0x10"] {
            #expect(reason(number) != nil, "\(number)")
        }
    }

    @Test func reportsTheOffsetOfTheProblem() {
        do {
            _ = try JSONValue.parse(#"{"a": tx}"#)
            Issue.record("accepted bad JSON")
        } catch {
            #expect(error.offset == 7)
            #expect(error.description == "invalid JSON at byte 7: unexpected character")
        }
    }

    @Test func namesTheDocumentInAFormatError() throws {
        #expect(throws: FormatError("bundle: invalid JSON at byte 7: unexpected character")) {
            try JSONValue.parse(Data(#"{"a": tx}"#.utf8), document: "bundle")
        }
        #expect(throws: FormatError("bundle: invalid JSON at byte 0: document is larger than 2 bytes")) {
            try JSONValue.parse(Data("[1]".utf8), limits: JSONLimits(maxBytes: 2, maxDepth: 8), document: "bundle")
        }
        #expect(try JSONValue.parse(Data("[1]".utf8), document: "bundle") == [1])
    }

    @Test func roundTripsCompactText() throws {
        let text = #"{"b":[1,2,{"c":null}],"a":"x\ny","e":-0.5E+3,"d":true}"#
        #expect(try JSONValue.parse(text).serializedString() == text)
    }

    @Test func equalityIsExact() {
        #expect(JSONValue.string("é") != JSONValue.string("e\u{301}"))
        #expect(JSONValue.object([(key: "a", value: 1), (key: "b", value: 2)]) != JSONValue.object([(key: "b", value: 2), (key: "a", value: 1)]))
        #expect(JSONValue.number(JSONNumber(text: "1.0")!) != JSONValue.integer(1))
    }
}
