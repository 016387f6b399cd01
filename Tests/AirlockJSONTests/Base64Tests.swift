@testable import AirlockJSON
import Foundation
import Testing

@Suite("Base64")
struct Base64Tests {
    private let bytes = Data([0xfb, 0xff, 0xbf, 0x00, 0x10])  // "+/+/ABA=" standard, "-_-_ABA=" URL-safe

    @Test func lenientDecodingAcceptsBothAlphabetsPaddedOrNot() {
        for text in ["+/+/ABA=", "+/+/ABA", "-_-_ABA=", "-_-_ABA"] {
            #expect(Base64.decodeLenient(text) == bytes, "\(text)")
        }
        #expect(Base64.decodeLenient("") == Data())
        #expect(Base64.decodeLenient("QQ") == Data("A".utf8))
        #expect(Base64.decodeLenient("QUI") == Data("AB".utf8))
    }

    @Test func lenientDecodingStillRejectsGarbage() {
        for text in ["+/-_ABA=", "+/+/AB A=", "+/+/ABA==", "Q", "QQ=", "QQ=A", "====", "+/+/\nABA=", "é"] {
            #expect(Base64.decodeLenient(text) == nil, "\(text)")
        }
    }

    @Test func standardDecodingIsStrict() {
        #expect(Base64.decodeStandard("+/+/ABA=") == bytes)
        for text in ["+/+/ABA", "-_-_ABA=", "QQ", "QQ="] {
            #expect(Base64.decodeStandard(text) == nil, "\(text)")
        }
    }

    @Test func roundTripsAllLengths() {
        for length in 0..<40 {
            let data = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) })
            let text = Base64.encode(data)
            #expect(Base64.decodeStandard(text) == data)
            let unpadded = text.replacingOccurrences(of: "=", with: "")
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            #expect(Base64.decodeLenient(unpadded) == data)
        }
    }
}
