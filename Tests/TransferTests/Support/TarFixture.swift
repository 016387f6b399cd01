import Foundation

/// Builds tar archives byte by byte, so that tests can write what no well-behaved tool
/// would: traversal names, links, devices, sizes that lie, truncated data, duplicates.
struct TarFixture {
    enum EntryType: UInt8 {
        case file = 0x30, hardLink = 0x31, symbolicLink = 0x32, characterDevice = 0x33
        case directory = 0x35, fifo = 0x36, paxHeader = 0x78
    }

    private(set) var bytes = Data()

    /// Adds an entry; `declaredSize` overrides the size field, `data` is written as given
    /// (padded to 512 bytes unless `pad` is false). Names over 100 bytes get a pax header.
    mutating func add(_ name: String, _ data: Data = Data(), type: EntryType = .file, declaredSize: Int64? = nil,
                      link: String = "", pad: Bool = true) {
        let size = declaredSize ?? Int64(data.count)
        var pax: [String: String] = [:]
        if name.utf8.count > 100 { pax["path"] = name }
        if size > 0o77777777777 { pax["size"] = String(size) }
        if !pax.isEmpty { addPaxHeader(pax) }
        bytes.append(header(name: String(name.prefix(100)), type: type, size: min(size, 0o77777777777), link: link))
        bytes.append(data)
        if pad { bytes.append(Data(count: (512 - data.count % 512) % 512)) }
    }

    mutating func addFile(_ name: String, _ text: String) { add(name, Data(text.utf8)) }

    /// The two zero blocks that end an archive.
    mutating func end() { bytes.append(Data(count: 1024)) }

    /// Appends bytes as they are (an archive made by another tool).
    mutating func appendRaw(_ data: Data) { bytes.append(data) }

    /// Drops the last `count` bytes (a truncated archive).
    mutating func truncate(by count: Int) { bytes.removeLast(count) }

    func write(to url: URL) throws { try bytes.write(to: url) }

    private mutating func addPaxHeader(_ records: [String: String]) {
        var body = Data()
        for (key, value) in records.sorted(by: { $0.key < $1.key }) {
            let payload = " \(key)=\(value)\n"
            var length = payload.utf8.count + 1
            while "\(length)\(payload)".utf8.count != length { length += 1 }
            body.append(Data("\(length)\(payload)".utf8))
        }
        bytes.append(header(name: "PaxHeader", type: .paxHeader, size: Int64(body.count), link: ""))
        bytes.append(body)
        bytes.append(Data(count: (512 - body.count % 512) % 512))
    }

    private func header(name: String, type: EntryType, size: Int64, link: String) -> Data {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int64, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits, at: offset, width: width - 1)
        }
        put(name, at: 0, width: 100)
        octal(type == .directory ? 0o755 : 0o644, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(size, at: 124, width: 12)
        octal(0, at: 136, width: 12)
        block[156] = type.rawValue
        put(link, at: 157, width: 100)
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        for index in 148..<156 { block[index] = 0x20 }
        let checksum = block.reduce(0) { $0 + Int64($1) }
        octal(checksum, at: 148, width: 7)
        block[155] = 0x20
        return Data(block)
    }
}
