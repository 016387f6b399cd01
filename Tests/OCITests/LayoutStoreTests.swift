import AirlockCrypto
import Foundation
import Testing
import OCI

@Suite("Layout store: open, create, blobs")
struct LayoutStoreTests {
    @Test func createWritesMarkerAndEmptyIndexThenOpens() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.path("new/layout"))
        let marker = try Data(contentsOf: scratch.path("new/layout/oci-layout"))
        #expect(try JSONSerialization.jsonObject(with: marker) as? [String: String] == ["imageLayoutVersion": "1.0.0"])
        #expect(try layout.readIndex().manifests.isEmpty)
        #expect(try OCILayout.open(at: layout.directory).readIndex() == ImageIndex())
        #expect(throws: OCIError.self) { try OCILayout.create(at: layout.directory) }
        #expect(try OCILayout.openOrCreate(at: layout.directory).directory == layout.directory)
    }

    @Test func createKeepsAValidIndexAndRefusesABrokenOne() throws {
        let scratch = try ScratchDirectory()
        let entry = #"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"\#(sha256("m"))","size":1}]}"#
        try scratch.write(entry, to: "kept/index.json")
        #expect(try OCILayout.create(at: scratch.path("kept")).readIndex().manifests.map(\.digest) == [sha256("m")])
        try scratch.write("{", to: "broken/index.json")
        #expect(throws: OCIError.self) { try OCILayout.openOrCreate(at: scratch.path("broken")) }
        #expect(try Data(contentsOf: scratch.path("broken/index.json")) == Data("{".utf8))
        #expect(!FileManager.default.fileExists(atPath: scratch.path("broken/oci-layout").path))
    }

    @Test func openOrCreateOnAnExistingLayoutOnlyReads() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.path("existing"))
        let lock = scratch.path("existing/\(OCILayout.lockFileName)")
        try FileManager.default.removeItem(at: lock)
        #expect(try OCILayout.openOrCreate(at: layout.directory).readIndex() == ImageIndex())
        #expect(!FileManager.default.fileExists(atPath: lock.path))
    }

    @Test func openRefusesNonLayouts() throws {
        let scratch = try ScratchDirectory()
        #expect(throws: OCIError.self) { try OCILayout.open(at: scratch.path("absent")) }
        let noMarker = #expect(throws: OCIError.self) { try OCILayout.open(at: scratch.url) }
        #expect(noMarker?.message.contains("no oci-layout") == true)
        try scratch.write(#"{"imageLayoutVersion":"2.0.0"}"#, to: "oci-layout")
        try scratch.write(#"{"schemaVersion":2,"manifests":[]}"#, to: "index.json")
        let version = #expect(throws: OCIError.self) { try OCILayout.open(at: scratch.url) }
        #expect(version?.kind == .unsupported)
    }

    @Test func malformedIndexJSONIsOneClearError() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        try scratch.write(#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:abc","size":1}"#, to: "index.json")
        let truncated = #expect(throws: OCIError.self) { try OCILayout.open(at: layout.directory) }
        #expect(truncated?.kind == .malformed)
        #expect(truncated?.message.contains("index.json") == true)
        try scratch.write(#"{"schemaVersion":2,"manifests":{}}"#, to: "index.json")
        let wrongType = #expect(throws: OCIError.self) { try layout.readIndex() }
        #expect(wrongType?.message.hasSuffix("manifests: expected an array") == true)
    }

    @Test func duplicateKeysAreRefused() throws {
        // Foundation's decoder would keep the first "manifests", Go tools the last: refuse both readings.
        let scratch = try ScratchDirectory()
        _ = try OCILayout.create(at: scratch.url)
        try scratch.write(#"{"schemaVersion":2,"manifests":[],"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:\#(String(repeating: "a", count: 64))","size":1}]}"#, to: "index.json")
        let error = #expect(throws: OCIError.self) { try OCILayout.open(at: scratch.url) }
        #expect(error?.kind == .malformed)
        #expect(error?.message.contains("duplicate") == true)
    }

    @Test func unknownDigestAlgorithmInIndexIsRejected() throws {
        let scratch = try ScratchDirectory()
        _ = try OCILayout.create(at: scratch.url)
        try scratch.write(#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"md5:0cc175b9c0f1b6a831c399e269772661","size":1}]}"#, to: "index.json")
        let error = #expect(throws: OCIError.self) { try OCILayout.open(at: scratch.url) }
        #expect(error?.message.contains(#"unsupported digest algorithm "md5""#) == true)
    }

    @Test func blobPathComesFromTheDigestOnly() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let digest = sha256("x")
        #expect(layout.blobURL(digest).path == scratch.url.path + "/blobs/sha256/" + digest.hex)
        try scratch.write(#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:../../../etc/passwd","size":1}]}"#, to: "index.json")
        let error = #expect(throws: OCIError.self) { try layout.readIndex() }
        #expect(error?.kind == .malformed)
    }

    @Test func addAndReadBlobChecksDigestAndSize() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let data = Data("hello blob".utf8)
        let digest = try layout.addBlob(data)
        #expect(digest == Digest.of(data))
        #expect(try layout.readBlob(digest, expectedSize: 10, limit: 100) == data)
        let size = #expect(throws: OCIError.self) { try layout.readBlob(digest, expectedSize: 12, limit: 100) }
        #expect(size?.message == "\(digest) size 10 != descriptor 12")
        let limit = #expect(throws: OCIError.self) { try layout.readBlob(digest, limit: 5) }
        #expect(limit?.kind == .refused)
        try layout.corruptBlob(digest, with: Data("hello blub".utf8))
        let mismatch = #expect(throws: OCIError.self) { try layout.readBlob(digest, limit: 100) }
        #expect(mismatch?.kind == .digestMismatch)
        let missing = #expect(throws: OCIError.self) { try layout.readBlob(sha256("other"), limit: 100) }
        #expect(missing?.message == "\(sha256("other")) missing")
    }

    @Test func blobWriterStreamsAndRenamesIntoPlace() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let parts = (0..<5).map { Data(repeating: UInt8($0), count: 100_000) }
        let whole = parts.reduce(Data(), +)
        let writer = try layout.makeBlobWriter(expectedDigest: Digest.of(whole), expectedSize: Int64(whole.count))
        for part in parts { try writer.write(part) }
        #expect(writer.size == Int64(whole.count))
        #expect(try writer.commit() == Digest.of(whole))
        #expect(try Data(contentsOf: layout.blobURL(Digest.of(whole))) == whole)
        #expect(try temporaryFiles(scratch).isEmpty)
    }

    @Test func blobWriterDigestMismatchLeavesNothing() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let expected = sha256("what was promised")
        let writer = try layout.makeBlobWriter(expectedDigest: expected)
        try writer.write(Data("something else".utf8))
        let error = #expect(throws: OCIError.self) { try writer.commit() }
        #expect(error?.kind == .digestMismatch)
        #expect(!layout.hasBlob(expected))
        #expect(!layout.hasBlob(sha256("something else")))
        #expect(try temporaryFiles(scratch).isEmpty)
        #expect(try layout.storedBlobs().isEmpty)
    }

    @Test func blobWriterRefusesMoreThanTheExpectedSize() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let writer = try layout.makeBlobWriter(expectedSize: 4)
        let error = #expect(throws: OCIError.self) { try writer.write(Data("12345".utf8)) }
        #expect(error?.kind == .sizeMismatch)
        #expect(throws: OCIError.self) { try writer.commit() }
        #expect(try temporaryFiles(scratch).isEmpty)
        let short = try layout.makeBlobWriter(expectedSize: 4)
        try short.write(Data("123".utf8))
        #expect(throws: OCIError.self) { try short.commit() }
        #expect(try layout.storedBlobs().isEmpty)
    }

    @Test func abandonedWriterRemovesItsTemporaryFile() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        do {
            let writer = try layout.makeBlobWriter()
            try writer.write(Data("partial".utf8))
            #expect(try temporaryFiles(scratch).count == 1)
        }
        #expect(try temporaryFiles(scratch).isEmpty)
    }

    @Test func existingBlobIsNotRewritten() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let data = Data("same".utf8)
        let digest = try layout.addBlob(data)
        let before = try FileManager.default.attributesOfItem(atPath: layout.blobURL(digest).path)[.systemFileNumber] as? Int
        try layout.addBlob(data)
        let after = try FileManager.default.attributesOfItem(atPath: layout.blobURL(digest).path)[.systemFileNumber] as? Int
        #expect(before != nil && before == after)
    }

    @Test func symlinkedBlobIsRefused() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let secret = Data("outside the layout".utf8)
        try scratch.write(secret, to: "secret")
        let digest = Digest.of(secret)
        try FileManager.default.createSymbolicLink(atPath: layout.blobURL(digest).path, withDestinationPath: scratch.path("secret").path)
        let error = #expect(throws: OCIError.self) { try layout.readBlob(digest, limit: 100) }
        #expect(error?.kind == .refused)
        #expect(error?.message.contains("symbolic link") == true)
        #expect(!layout.hasBlob(digest))
    }

    @Test func symlinkedBlobDirectoryIsRefused() throws {
        let scratch = try ScratchDirectory()
        let outside = try ScratchDirectory()
        let data = Data("elsewhere".utf8)
        try outside.write(data, to: Digest.of(data).hex)
        let layout = try OCILayout.create(at: scratch.url)
        try FileManager.default.removeItem(at: scratch.path("blobs/sha256"))
        try FileManager.default.createSymbolicLink(at: scratch.path("blobs/sha256"), withDestinationURL: outside.url)
        let error = #expect(throws: OCIError.self) { try layout.readBlob(Digest.of(data), limit: 100) }
        #expect(error?.kind == .refused)
        #expect(throws: OCIError.self) { try layout.addBlob(Data("new".utf8)) }
        #expect(!FileManager.default.fileExists(atPath: outside.path(Digest.of(Data("new".utf8)).hex).path))
    }

    @Test func fifoInPlaceOfABlobIsRefusedWithoutBlocking() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let digest = sha256("fifo")
        #expect(mkfifo(layout.blobURL(digest).path, 0o644) == 0)
        let error = #expect(throws: OCIError.self) { try layout.readBlob(digest, limit: 100) }
        #expect(error?.message.contains("not a regular file") == true)
    }

    @Test func storedBlobsListsBadNamesWithoutDigest() throws {
        let scratch = try ScratchDirectory()
        let layout = try OCILayout.create(at: scratch.url)
        let digest = try layout.addBlob(Data("a".utf8))
        try scratch.write("x", to: "blobs/sha256/not-a-digest")
        try scratch.write("y", to: "blobs/md5/whatever")
        let stored = try layout.storedBlobs()
        #expect(stored.map(\.relativePath) == ["blobs/md5/whatever", "blobs/sha256/\(digest.hex)", "blobs/sha256/not-a-digest"])
        #expect(stored.map(\.digest) == [nil, digest, nil])
    }

    private func temporaryFiles(_ scratch: ScratchDirectory) throws -> [String] {
        let directory = scratch.path(OCILayout.temporaryDirectoryName).path
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: directory)
    }
}
