import Foundation

/// Strict DER encoding and decoding of the UTF8String values certificate extensions carry
/// (Fulcio's DER UTF8String extensions). Decoding rejects indefinite or non-minimal lengths
/// and trailing bytes, as Go's `encoding/asn1` does.
public enum DER {
    static let utf8StringTag: UInt8 = 0x0C

    /// The text of a DER `UTF8String` that spans all of `der`.
    public static func decodeUTF8String(_ der: Data) throws -> String {
        let content = try decodePrimitive(der, tag: utf8StringTag, name: "UTF8String")
        guard let text = String(validating: content, as: UTF8.self) else {
            throw CryptoError("DER UTF8String is not valid UTF-8")
        }
        return text
    }

    /// `text` as a DER `UTF8String`.
    public static func encodeUTF8String(_ text: String) -> Data {
        encodePrimitive(tag: utf8StringTag, content: Data(text.utf8))
    }

    static func encodePrimitive(tag: UInt8, content: Data) -> Data {
        var out = Data([tag])
        let length = content.count
        if length < 0x80 {
            out.append(UInt8(length))
        } else {
            var lengthBytes: [UInt8] = []
            var remaining = length
            while remaining > 0 {
                lengthBytes.insert(UInt8(remaining & 0xff), at: 0)
                remaining >>= 8
            }
            out.append(0x80 | UInt8(lengthBytes.count))
            out.append(contentsOf: lengthBytes)
        }
        out.append(content)
        return out
    }

    static func decodePrimitive(_ der: Data, tag: UInt8, name: String) throws -> Data {
        let bytes = [UInt8](der)
        guard bytes.count >= 2 else { throw CryptoError("DER \(name) is truncated") }
        guard bytes[0] == tag else {
            throw CryptoError("DER value has tag 0x\(String(bytes[0], radix: 16)), expected \(name)")
        }
        var offset = 2
        let length: Int
        if bytes[1] < 0x80 {
            length = Int(bytes[1])
        } else {
            let count = Int(bytes[1] & 0x7f)
            // 0x80 is BER's indefinite length; more than 4 length bytes is never a sane size.
            guard count >= 1, count <= 4, bytes.count >= 2 + count else {
                throw CryptoError("DER \(name) has an invalid length")
            }
            var value = 0
            for byte in bytes[2..<(2 + count)] { value = value << 8 | Int(byte) }
            guard bytes[2] != 0, value >= 0x80 else {
                throw CryptoError("DER \(name) has a non-minimal length")
            }
            length = value
            offset += count
        }
        guard bytes.count - offset >= length else { throw CryptoError("DER \(name) is truncated") }
        guard bytes.count - offset == length else { throw CryptoError("DER \(name) is followed by trailing bytes") }
        return Data(bytes[offset...])
    }
}
