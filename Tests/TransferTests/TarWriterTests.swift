import AirlockCrypto
import Foundation
import Testing
@testable import Transfer

@Suite struct TarWriterTests {
    private func writeSample(_ compression: ArchiveCompression, to url: URL) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        let writer = try TarWriter(fileDescriptor: fd, compression: compression)
        try writer.addFile("oci-layout", contents: Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
        try writer.addDirectory("blobs/")
        let big = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        try writer.beginFile("blobs/sha256/\(Digest.of(big).hex)", size: Int64(big.count))
        try big.withUnsafeBytes { buffer in
            try writer.write(UnsafeRawBufferPointer(rebasing: buffer[0..<100_000]))
            try writer.write(UnsafeRawBufferPointer(rebasing: buffer[100_000...]))
        }
        try writer.endFile()
        try writer.finish()
    }

    @Test(arguments: ArchiveCompression.allCases)
    func sameCallsGiveTheSameBytes(_ compression: ArchiveCompression) throws {
        let directory = try TestDirectory()
        try writeSample(compression, to: directory.path("a"))
        Thread.sleep(forTimeInterval: 1.1)  // a timestamp would now differ
        try writeSample(compression, to: directory.path("b"))
        let first = try Data(contentsOf: directory.path("a"))
        #expect(first == (try Data(contentsOf: directory.path("b"))))
        if compression == .gzip {
            #expect(first[4..<8] == Data([0, 0, 0, 0]), "gzip header carries no modification time")
        }
    }

    @Test(arguments: ArchiveCompression.allCases)
    func outputReadsBackEntryByEntry(_ compression: ArchiveCompression) throws {
        let directory = try TestDirectory()
        let url = directory.path("sample")
        try writeSample(compression, to: url)
        let reader = try TarReader(path: url.path)
        var names: [String] = []
        var sizes: [Int64] = []
        while let header = try reader.nextHeader() {
            names.append(header.name)
            var count: Int64 = 0
            while let block = try reader.readBlock() { count += Int64(block.count) }
            #expect(count == header.size)
            sizes.append(count)
        }
        #expect(names.count == 3)
        #expect(names[0] == "oci-layout" && names[1] == "blobs/")
        #expect(sizes == [30, 0, 300_000])
        #expect(reader.isCompressed == (compression != .none))
    }

    @Test func plainTarOutputHasNoPaddingAndFixedOwners() throws {
        let directory = try TestDirectory()
        let url = directory.path("plain.tar")
        try writeSample(.none, to: url)
        let bytes = try Data(contentsOf: url)
        // Three headers, 30 + 300000 bytes of data padded to 512, two end blocks: no block padding.
        #expect(bytes.count == 512 * 3 + 512 + 586 * 512 + 1024)
        guard let tar = findTool("/usr/bin/tar", "/bin/tar") else { return }
        let listing = String(decoding: try run(tar, ["--numeric-owner", "-tvf", url.path]), as: UTF8.self)
        for line in listing.split(separator: "\n") {
            #expect(line.contains(" 0/0 "), "owner 0/0 in \(line)")
            #expect(line.contains("1970-01-01"), "mtime 0 in \(line)")
        }
    }

    @Test func wrongLengthIsRefused() throws {
        let directory = try TestDirectory()
        let fd = open(directory.path("x").path, O_WRONLY | O_CREAT, 0o644)
        defer { close(fd) }
        let writer = try TarWriter(fileDescriptor: fd, compression: .none)
        try writer.beginFile("f", size: 4)
        try Data("abc".utf8).withUnsafeBytes { try writer.write($0) }
        #expect(throws: TransferError.self) { try writer.endFile() }
        #expect(throws: TransferError.self) { try Data("ab".utf8).withUnsafeBytes { try writer.write($0) } }
    }
}

@Suite struct TarReaderDirectTests {
    @Test func directReadsFindTheDataAfterPaxHeaders() throws {
        let directory = try TestDirectory()
        let url = directory.path("pax.tar")
        let long = "airlock/" + String(repeating: "d/", count: 60) + "file"
        let first = LayoutFixture.bytes(3000, seed: 1)
        let second = LayoutFixture.bytes(70_000, seed: 2)
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let writer = try TarWriter(fileDescriptor: fd, compression: .none)
        try writer.addFile(long, contents: first)
        try writer.addFile("short", contents: second)
        try writer.finish()

        let reader = try TarReader(path: url.path)
        for expected in [first, second] {
            let header = try #require(try reader.nextHeader())
            #expect(reader.currentDataOffset != nil)
            var data = Data(count: expected.count)
            let count = try data.withUnsafeMutableBytes { try reader.readDirect(into: $0, at: 0) }
            #expect(count == expected.count && data == expected, "data of \(header.name)")
            try reader.skipData()
        }
        #expect(try reader.nextHeader() == nil)
    }
}
