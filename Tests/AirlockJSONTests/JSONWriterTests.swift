@testable import AirlockJSON
import Foundation
import Testing

@Suite("JSON writer and RFC 8785")
struct JSONWriterTests {
    @Test func escapesOnlyWhatJSONRequiresByDefault() {
        let value: JSONValue = .string("\"\\/\u{8}\u{c}\n\r\t\u{1}\u{1f}\u{7f}<>&\u{2028}\u{2029}é😀")
        // Expected text written by hand from RFC 8259 / ECMAScript JSON.stringify
        // (node confirms: U+2028, DEL and '/' are not escaped; other controls are \u00xx).
        #expect(value.serializedString() == #""\"\\/\b\f\n\r\t\u0001\u001f"# + "\u{7f}<>&\u{2028}\u{2029}é😀\"")
    }

    @Test func goEscapingAlsoEscapesHTMLAndLineSeparators() {
        let value: JSONValue = ["k<": .string("a<b>c&d\u{2028}e\u{2029}f\u{2027}\u{202a}\n")]
        #expect(value.serializedString(escaping: .goHTMLSafe)
            == #"{"k\u003c":"a\u003cb\u003ec\u0026d\u2028e\u2029f"# + "\u{2027}\u{202a}" + #"\n"}"#)
    }

    @Test func goObjectOrderSortsKeysByBytes() {
        let value = JSONValue.object(sortingKeysOf: ["b": 1, "B": 2, "a": 3, "é": 4, "z": 5])
        #expect(value.serializedString() == #"{"B":2,"a":3,"b":1,"z":5,"é":4}"#)
        #expect(JSONValue.stringMap(["b": "1", "B": "2", "é": "3"]).serializedString() == #"{"B":"2","b":"1","é":"3"}"#)
    }

    @Test func canonicalFormMatchesPythonForASCIIKeys() throws {
        let value = try JSONValue.parse(#"{"b":[1,{"d":"x","c":null}],"a":"q\"\\\n\u0001\u001f\t\/","A":true,"_type":-42,"aa":[],"a1":{}}"#)
        // python3: json.dumps(o, sort_keys=True, separators=(',',':'), ensure_ascii=False)
        let python = #"{"A":true,"_type":-42,"a":"q\"\\\n\u0001\u001f\t/","a1":{},"aa":[],"b":[1,{"c":null,"d":"x"}]}"#
        #expect(String(decoding: try value.canonicalJSON(), as: UTF8.self) == python)
    }

    @Test func canonicalKeyOrderIsByUTF16CodeUnits() throws {
        // RFC 8785 §3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FB33, unlike code point order.
        let value = try JSONValue.parse(#"""
            {"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",
             "\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}
            """#)
        let expected = #"{"\r":"Carriage Return","1":"One","# + "\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\","
            + "\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(String(decoding: try value.canonicalJSON(), as: UTF8.self) == expected)
    }

    @Test func canonicalFormOfTheRFCExample() throws {
        // RFC 8785 §3.2.4.
        let value = try JSONValue.parse(#"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#)
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(String(decoding: try value.canonicalJSON(), as: UTF8.self) == expected)
    }

    @Test(arguments: [
        // (input, ECMAScript String(Number(input)) as printed by node)
        ("0", "0"), ("-0", "0"), ("-0.0", "0"), ("5e-324", "5e-324"), ("-5e-324", "-5e-324"),
        ("1.7976931348623157e308", "1.7976931348623157e+308"), ("9007199254740992", "9007199254740992"),
        ("-9007199254740992", "-9007199254740992"), ("9007199254740993", "9007199254740992"),
        ("295147905179352830000", "295147905179352830000"), ("9.999999999999997e+22", "9.999999999999997e+22"),
        ("1e+23", "1e+23"), ("1e21", "1e+21"), ("1e20", "100000000000000000000"), ("0.000001", "0.000001"),
        ("1e-7", "1e-7"), ("123456789012345680000", "123456789012345680000"), ("0.1", "0.1"), ("-1.5", "-1.5"),
        ("18446744073709551616", "18446744073709552000"), ("1.25e-6", "0.00000125"), ("12345.678", "12345.678"),
        ("1710869186", "1710869186"), ("4.50", "4.5"), ("100", "100"), ("1E2", "100"),
    ])
    func canonicalNumbers(input: String, expected: String) throws {
        let number = try #require(JSONNumber(text: input))
        #expect(String(decoding: try JSONValue.number(number).canonicalJSON(), as: UTF8.self) == expected)
    }

    @Test func refusesNumbersWithoutCanonicalForm() {
        #expect(throws: JSONError(.numberNotCanonicalizable("1e400"))) {
            try JSONValue.number(JSONNumber(text: "1e400")!).canonicalJSON()
        }
    }

    @Test func refusesDuplicateKeysBuiltInCode() {
        let value: JSONValue = .object([(key: "a", value: 1), (key: "a", value: 2)])
        #expect(throws: JSONError(.duplicateKey("a"))) { try value.canonicalJSON() }
    }
}
