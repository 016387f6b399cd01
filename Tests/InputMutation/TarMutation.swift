import Foundation

extension Mutation {
    /// The offsets of the tar headers in an uncompressed archive (pax headers included).
    public static func tarHeaderOffsets(_ tar: Data) -> [Int] {
        var offsets: [Int] = []
        var offset = 0
        while offset + 512 <= tar.count, tar[offset] != 0 {
            offsets.append(offset)
            let sizeField = String(decoding: tar[(offset + 124)..<(offset + 136)].prefix { $0 != 0 && $0 != 0x20 }, as: UTF8.self)
            offset += 512 + ((Int(sizeField, radix: 8) ?? 0) + 511) / 512 * 512
        }
        return offsets
    }

    /// A mutation of one tar header whose checksum is then recomputed, so that libarchive reads
    /// the mutated fields instead of stopping at the checksum.
    public static func tarHeader(_ tar: Data, using random: inout SplitMix64) -> (Data, String) {
        let offsets = tarHeaderOffsets(tar)
        guard let header = offsets.isEmpty ? nil : random.pick(offsets) else { return bytes(tar, using: &random) }
        var copy = tar
        let description: String
        func put(_ text: String, at field: Int, width: Int) {
            let bytes = Array(text.utf8.prefix(width)) + Array(repeating: 0, count: max(0, width - text.utf8.count))
            copy.replaceSubrange((header + field)..<(header + field + width), with: bytes)
        }
        switch random.below(6) {
        case 0:
            let size = random.pick(["77777777777", "00000000000", "7777777777", "1", "00000001000"])
            put(size, at: 124, width: 12)
            description = "size field \(size)"
        case 1:
            copy.replaceSubrange((header + 124)..<(header + 136), with: [0x80] + Array(repeating: 0xFF, count: 11))
            description = "base-256 size of 2^88"
        case 2:
            let type = random.pick(["1", "2", "3", "4", "5", "6", "7", "x", "g", "L", "K", "S", "V", "Z"])
            put(type, at: 156, width: 1)
            description = "type flag \(type)"
        case 3:
            let name = random.pick(["../../etc/passwd", "/abs/path", "blobs/sha256/../../x", "index.json", "oci-layout",
                                    "blobs/sha256/" + String(repeating: "0", count: 64), String(repeating: "a", count: 100)])
            put(name, at: 0, width: 100)
            description = "name \(name)"
        case 4:
            put(random.pick(["../x", "/etc/passwd", "index.json"]), at: 157, width: 100)
            description = "link name"
        default:
            let position = header + random.below(512)
            copy[position] ^= UInt8(1) << UInt8(random.below(8))
            description = "bit flip at header byte \(position - header)"
        }
        // The checksum: the header's bytes summed with the checksum field as spaces.
        copy.replaceSubrange((header + 148)..<(header + 156), with: Array(repeating: 0x20, count: 8))
        let sum = copy[header..<(header + 512)].reduce(0) { $0 + Int($1) }
        put(String(format: "%06o", sum) + "\0 ", at: 148, width: 8)
        return (copy, "header at \(header): \(description)")
    }
}
