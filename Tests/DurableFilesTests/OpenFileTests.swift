import DurableFiles
import Foundation
import Testing

@Suite("OpenFile and FileSystem: refusals, reads, writes, locks")
struct OpenFileTests {
    @Test func symbolicLinkIsRefusedWithNoFollow() throws {
        let scratch = try Scratch()
        try scratch.write("secret", to: "target")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: scratch.file("target"))
        let regular = #expect(throws: FileSystemError.self) { try OpenFile.openRegularFile(scratch.file("link"), name: "blobs/link") }
        #expect(regular?.kind == .symbolicLink)
        #expect(regular?.message == "blobs/link is a symbolic link; refused")
        let plain = #expect(throws: FileSystemError.self) { try OpenFile.open(scratch.file("link"), flags: O_RDONLY | O_NOFOLLOW) }
        #expect(plain?.kind == .symbolicLink)
        // Without O_NOFOLLOW the link is followed.
        #expect(try OpenFile.open(scratch.file("link"), flags: O_RDONLY).readAll(limit: 100) == Data("secret".utf8))
    }

    @Test func symbolicLinkToADirectoryIsNotOpenedAsOne() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.file("real"), withIntermediateDirectories: false)
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: scratch.file("real"))
        let error = #expect(throws: FileSystemError.self) { try OpenFile.openDirectory(scratch.file("link")) }
        #expect(error?.kind == .symbolicLink || error?.kind == .notDirectory)
        #expect(throws: Never.self) { try OpenFile.openDirectory(scratch.file("real")) }
    }

    @Test func fifoIsNotARegularFileAndDoesNotBlock() throws {
        let scratch = try Scratch()
        #expect(mkfifo(scratch.file("fifo"), 0o600) == 0)
        let error = #expect(throws: FileSystemError.self) { try OpenFile.openRegularFile(scratch.file("fifo")) }
        #expect(error?.kind == .notRegularFile)
    }

    @Test func missingFileIsMissing() throws {
        let scratch = try Scratch()
        let error = #expect(throws: FileSystemError.self) { try OpenFile.openRegularFile(scratch.file("absent")) }
        #expect(error?.isMissing == true)
        #expect(error?.message == "cannot open \(scratch.file("absent")): No such file or directory")
    }

    @Test func readAllStopsAtTheLimit() throws {
        let scratch = try Scratch()
        try scratch.write("0123456789", to: "ten")
        #expect(try OpenFile.openRegularFile(scratch.file("ten")).readAll(limit: 10) == Data("0123456789".utf8))
        let error = #expect(throws: FileSystemError.self) { try OpenFile.openRegularFile(scratch.file("ten"), name: "ten").readAll(limit: 9) }
        #expect(error?.kind == .overLimit && error?.message == "ten is over the 9-byte limit")
    }

    @Test func writesAreReadBackAtOffsetsAndPositionsFollow() throws {
        let scratch = try Scratch()
        let file = try OpenFile.open(scratch.file("f"), flags: O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, mode: 0o600)
        try file.write(Data("hello, world".utf8))
        #expect(try file.position() == 12)
        try file.sync()
        var bytes = [UInt8](repeating: 0, count: 5)
        let count = try bytes.withUnsafeMutableBytes { try file.read(into: $0, at: 7) }
        #expect(count == 5 && bytes == Array("world".utf8))
        #expect(try file.status().size == 12 && file.status().isRegularFile)
    }

    @Test func exclusiveCreationRefusesAnExistingFile() throws {
        let scratch = try Scratch()
        try scratch.write("there", to: "f")
        let error = #expect(throws: FileSystemError.self) {
            try OpenFile.open(scratch.file("f"), flags: O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW)
        }
        #expect(error?.code == EEXIST)
        #expect(try scratch.read("f") == "there")
    }

    @Test func ensureDirectoryRefusesASymbolicLinkAndAFile() throws {
        let scratch = try Scratch()
        try FileSystem.ensureDirectory(scratch.file("d"))
        try FileSystem.ensureDirectory(scratch.file("d"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: scratch.file("d"))
        let link = #expect(throws: FileSystemError.self) { try FileSystem.ensureDirectory(scratch.file("link")) }
        #expect(link?.kind == .symbolicLink)
        try scratch.write("x", to: "file")
        let file = #expect(throws: FileSystemError.self) { try FileSystem.ensureDirectory(scratch.file("file")) }
        #expect(file?.kind == .notDirectory)
    }

    @Test func syncDirectoryFollowsASymbolicLinkToADirectory() throws {
        let scratch = try Scratch()
        try FileSystem.ensureDirectory(scratch.file("real"))
        try FileManager.default.createSymbolicLink(atPath: scratch.file("link"), withDestinationPath: scratch.file("real"))
        try FileSystem.syncDirectory(scratch.file("link"))
        #expect(throws: FileSystemError.self) { try FileSystem.syncDirectory(scratch.file("absent")) }
    }

    @Test func exclusiveLockIsHeldForTheBodyOnly() throws {
        let scratch = try Scratch()
        let lockPath = scratch.file(".lock")
        let heldInside = try OpenFile.withExclusiveLock(on: lockPath) {
            // A second open file description of the same lock file cannot take it meanwhile.
            try OpenFile.open(lockPath, flags: O_RDONLY).tryLock()
        }
        #expect(heldInside == false)
        #expect(try OpenFile.open(lockPath, flags: O_RDONLY).tryLock())
    }

    @Test func lockIsReleasedWhenTheFileIsClosed() throws {
        let scratch = try Scratch()
        try FileSystem.ensureDirectory(scratch.file("area"))
        var holder: OpenFile? = try OpenFile.openDirectory(scratch.file("area"))
        #expect(try holder?.tryLock() == true)
        #expect(try OpenFile.openDirectory(scratch.file("area")).tryLock() == false)
        holder = nil
        #expect(try OpenFile.openDirectory(scratch.file("area")).tryLock() == true)
    }
}
