import AirlockCrypto
import Foundation
import Testing
@testable import Transfer

/// Archives that must be refused by the reading layer, each naming the offending entry, with
/// nothing written outside the staging area and the staging area gone afterwards.
@Suite struct HostileArchiveTests {
    static let payload = Data("layer content".utf8)
    static let blobName = "blobs/sha256/\(Digest.of(payload).hex)"

    /// A well-formed start: marker, index, then the entries of the case.
    private func archive(_ build: (inout TarFixture) -> Void, end: Bool = true) -> TarFixture {
        var tar = TarFixture()
        tar.addFile("oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
        tar.addFile("index.json", #"{"schemaVersion":2,"manifests":[]}"#)
        build(&tar)
        if end { tar.end() }
        return tar
    }

    /// Stages `bytes` beside `destination/layout` and returns the error; checks that the
    /// parent directory holds nothing but the destination afterwards.
    private func refusal(_ bytes: Data, gzip: Bool = false) throws -> TransferError? {
        let directory = try TestDirectory()
        let input = directory.path(gzip ? "in.tar.gz" : "in.tar")
        try (gzip ? try run("/bin/gzip", ["-n", "-c"], input: bytes) : bytes).write(to: input)
        let destination = directory.path("layout")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        var caught: TransferError?
        do {
            let staging = try StagingArea.create(beside: destination)
            let reader = ArchiveEntryReader(reader: try TarReader(path: input.path))
            _ = try ArchiveStager(reader: reader, staging: staging, durable: true).stage()
        } catch let error as TransferError {
            caught = error
        }
        #expect(try directory.contents() == ["in.tar\(gzip ? ".gz" : "")", "layout"].sorted())
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination.path).isEmpty)
        return caught
    }

    private func expectRefusal(_ tar: TarFixture, naming entry: String, saying words: String, gzip: Bool = false,
                               sourceLocation: SourceLocation = #_sourceLocation) throws {
        let error = try refusal(tar.bytes, gzip: gzip)
        #expect(error != nil, "archive was accepted", sourceLocation: sourceLocation)
        guard let error else { return }
        #expect(error.message.contains("\"\(entry)\""), "\(error.message) names \(entry)", sourceLocation: sourceLocation)
        #expect(error.message.contains(words), "\(error.message) says \(words)", sourceLocation: sourceLocation)
    }

    @Test func wellFormedArchiveIsStaged() throws {
        let directory = try TestDirectory()
        let input = directory.path("in.tar")
        try archive { $0.add("./blobs/", type: .directory); $0.add(Self.blobName, Self.payload) }.write(to: input)
        let staging = try StagingArea.create(beside: directory.path("layout"))
        let staged = try ArchiveStager(reader: ArchiveEntryReader(reader: try TarReader(path: input.path)), staging: staging, durable: true).stage()
        #expect(staged.hasLayoutMarker && staged.hasIndex)
        #expect(staged.blobs == [Digest.of(Self.payload): Int64(Self.payload.count)])
        #expect(try Data(contentsOf: URL(fileURLWithPath: staging.filePath(Self.blobName))) == Self.payload)
    }

    @Test func pathTraversal() throws {
        try expectRefusal(archive { $0.addFile("../escape", "x") }, naming: "../escape", saying: "path traversal")
        try expectRefusal(archive { $0.addFile("blobs/sha256/../../../escape", "x") }, naming: "blobs/sha256/../../../escape", saying: "path traversal")
    }

    @Test func absolutePath() throws {
        try expectRefusal(archive { $0.addFile("/etc/cron.d/evil", "x") }, naming: "/etc/cron.d/evil", saying: "absolute path")
    }

    @Test func symbolicLink() throws {
        try expectRefusal(archive { $0.add(Self.blobName, type: .symbolicLink, link: "/etc/shadow") }, naming: Self.blobName, saying: "symbolic link")
    }

    @Test func hardLink() throws {
        try expectRefusal(archive { $0.add(Self.blobName, type: .hardLink, link: "index.json") }, naming: Self.blobName, saying: "hard link")
    }

    @Test func devicesAndFifos() throws {
        try expectRefusal(archive { $0.add("airlock/tty", type: .characterDevice) }, naming: "airlock/tty", saying: "character device")
        try expectRefusal(archive { $0.add("airlock/pipe", type: .fifo) }, naming: "airlock/pipe", saying: "FIFO")
    }

    @Test func headerSizeLargerThanData() throws {
        try expectRefusal(archive({ $0.add(Self.blobName, Self.payload, declaredSize: 1 << 20) }),
                          naming: Self.blobName, saying: "of the archive follow")
    }

    @Test func truncatedArchive() throws {
        var tar = archive({ $0.add(Self.blobName, Data(count: 4096)) }, end: false)
        tar.truncate(by: 2048)
        try expectRefusal(tar, naming: Self.blobName, saying: "of the archive follow")
        try expectRefusal(tar, naming: Self.blobName, saying: "truncated", gzip: true)
    }

    @Test func blobContentDoesNotMatchItsName() throws {
        try expectRefusal(archive { $0.add(Self.blobName, Data("something else".utf8)) }, naming: Self.blobName, saying: "does not match its digest")
    }

    @Test func duplicateEntry() throws {
        try expectRefusal(archive { $0.add(Self.blobName, Self.payload); $0.add("./" + Self.blobName, Self.payload) },
                          naming: "./" + Self.blobName, saying: "duplicate entry")
        try expectRefusal(archive { $0.addFile("index.json", "{}") }, naming: "index.json", saying: "duplicate entry")
    }

    @Test func unexpectedFiles() throws {
        try expectRefusal(archive { $0.addFile("etc/passwd", "root::0:0") }, naming: "etc/passwd", saying: "unexpected file")
        try expectRefusal(archive { $0.addFile("blobs/sha256/not-a-digest", "x") }, naming: "blobs/sha256/not-a-digest", saying: "not a blob name")
        try expectRefusal(archive { $0.addFile("blobs/md5/d41d8cd98f00b204e9800998ecf8427e", "") }, naming: "blobs/md5/d41d8cd98f00b204e9800998ecf8427e", saying: "not a blob name")
        let upper = "blobs/sha256/" + Digest.of(Self.payload).hex.uppercased()
        try expectRefusal(archive { $0.add(upper, Self.payload) }, naming: upper, saying: "not a blob name")
        try expectRefusal(archive { $0.addFile("airlock/.hidden", "x") }, naming: "airlock/.hidden", saying: "below airlock/")
        try expectRefusal(archive { $0.add("somewhere/", type: .directory) }, naming: "somewhere/", saying: "unexpected directory")
        try expectRefusal(archive { $0.addFile("airlock//keys", "x") }, naming: "airlock//keys", saying: "not a normalized path")
    }

    @Test func tenGiBSizeHeaderIsRefusedWithoutWritingIt() throws {
        let tenGiB: Int64 = 10 << 30
        let tar = archive { $0.add(Self.blobName, Data(count: 1024), declaredSize: tenGiB, pad: false) }
        try expectRefusal(tar, naming: Self.blobName, saying: "of the archive follow")
        // Compressed, the remaining size is unknown: the data runs out long before 10 GiB.
        try expectRefusal(tar, naming: Self.blobName, saying: "truncated", gzip: true)
    }

    @Test func sparseFileFromGNUTar() throws {
        guard let tar = findTool("/usr/bin/tar", "/bin/tar") else { return }
        let directory = try TestDirectory()
        let sparse = directory.path("sparse.bin")
        try Data("start".utf8).write(to: sparse)
        let handle = try FileHandle(forWritingTo: sparse)
        try handle.truncate(atOffset: 10 << 30)
        try handle.close()
        let output = directory.path("sparse.tar")
        try run(tar, ["--sparse", "--format=pax", "-C", directory.url.path, "--transform", "s|sparse.bin|\(Self.blobName)|", "-cf", output.path, "sparse.bin"])
        try FileManager.default.removeItem(at: sparse)
        try expectRefusal(TarFixture(bytesOf: try Data(contentsOf: output)), naming: Self.blobName, saying: "sparse")
    }

    @Test func entryCountIsBounded() throws {
        let directory = try TestDirectory()
        let input = directory.path("in.tar")
        try archive { tar in for index in 0..<5 { tar.addFile("airlock/f\(index)", "x") } }.write(to: input)
        var limits = ArchiveLimits()
        limits.maxEntries = 4
        let reader = ArchiveEntryReader(reader: try TarReader(path: input.path), limits: limits)
        let error = #expect(throws: TransferError.self) { while try reader.next() != nil {} }
        #expect(error?.message.contains("airlock/f2") == true)
    }

    @Test func notATarball() throws {
        let error = try refusal(Data("just some text, not a tar archive at all".utf8))
        #expect(error?.message.contains("is not a tar archive") == true, "\(String(describing: error))")
    }
}

extension TarFixture {
    init(bytesOf data: Data) {
        self.init()
        appendRaw(data)
    }
}
