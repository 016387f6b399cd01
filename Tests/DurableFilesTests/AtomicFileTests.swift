import DurableFiles
import Foundation
import Testing

@Suite("AtomicFile: temporary file beside the destination, fsync, rename or link")
struct AtomicFileTests {
    @Test func commitReplacesTheDestinationAndLeavesNoTemporaryFile() throws {
        let scratch = try Scratch()
        try scratch.write("old", to: "out")
        let file = try AtomicFile(beside: scratch.file("out"))
        try file.file.write(Data("new".utf8))
        #expect(try scratch.read("out") == "old")
        try file.commit(to: scratch.file("out"))
        #expect(try scratch.read("out") == "new")
        #expect(try scratch.names() == ["out"])
    }

    @Test func uncommittedFileLeavesTheOldContentAndIsRemoved() throws {
        let scratch = try Scratch()
        try scratch.write("old", to: "out")
        do {
            let file = try AtomicFile(beside: scratch.file("out"))
            try file.file.write(Data("half written".utf8))
            #expect(try scratch.names().count == 2)
        }
        #expect(try scratch.read("out") == "old")
        #expect(try scratch.names() == ["out"])
    }

    @Test func failedCommitLeavesTheOldContentAndNoTemporaryFile() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.file("out/inside"), withIntermediateDirectories: true)
        do {
            let file = try AtomicFile(beside: scratch.file("out"))
            try file.file.write(Data("new".utf8))
            // rename(2) cannot replace a non-empty directory.
            let error = #expect(throws: FileSystemError.self) { try file.commit(to: scratch.file("out")) }
            #expect(error?.kind == .failed && error?.message.contains(scratch.file("out")) == true)
        }
        #expect(try scratch.names() == ["out"])
        #expect(try scratch.names(in: "out") == ["inside"])
    }

    @Test func commitWithoutReplacingRefusesAnExistingFile() throws {
        let scratch = try Scratch()
        try scratch.write("mine", to: "key")
        do {
            let file = try AtomicFile(beside: scratch.file("key"), mode: 0o600)
            try file.file.write(Data("other".utf8))
            let error = #expect(throws: FileSystemError.self) { try file.commit(to: scratch.file("key"), replacing: false) }
            #expect(error?.kind == .exists)
            #expect(error?.message == "\(scratch.file("key")) already exists")
        }
        #expect(try scratch.read("key") == "mine")
        #expect(try scratch.names() == ["key"])
    }

    @Test func commitWithoutReplacingCreatesANewFile() throws {
        let scratch = try Scratch()
        let file = try AtomicFile(beside: scratch.file("key"), mode: 0o600)
        try file.file.write(Data("secret".utf8))
        try file.commit(to: scratch.file("key"), replacing: false)
        #expect(try scratch.read("key") == "secret")
        #expect(try scratch.names() == ["key"])
    }

    /// rename(2) replaces a symbolic link itself; link(2) refuses it. Neither writes through it.
    @Test(arguments: [true, false])
    func symbolicLinkAtTheDestinationIsNeverWrittenThrough(replacing: Bool) throws {
        let scratch = try Scratch()
        try scratch.write("target", to: "elsewhere")
        try FileManager.default.createSymbolicLink(atPath: scratch.file("out"), withDestinationPath: scratch.file("elsewhere"))
        let file = try AtomicFile(beside: scratch.file("out"))
        try file.file.write(Data("new".utf8))
        if replacing {
            try file.commit(to: scratch.file("out"))
            #expect(try FileManager.default.attributesOfItem(atPath: scratch.file("out"))[.type] as? FileAttributeType == .typeRegular)
            #expect(try scratch.read("out") == "new")
        } else {
            let error = #expect(throws: FileSystemError.self) { try file.commit(to: scratch.file("out"), replacing: false) }
            #expect(error?.kind == .exists)
        }
        #expect(try scratch.read("elsewhere") == "target")
    }

    @Test func privateFileHasItsModeFromCreationOn() throws {
        let scratch = try Scratch()
        let file = try AtomicFile(beside: scratch.file("cosign.key"), mode: 0o600)
        let temporary = try #require(try scratch.names().first)
        #expect(temporary.hasPrefix(".cosign.key.airlock-"))
        #expect(scratch.mode(temporary) == 0o600)
        try file.file.write(Data("secret".utf8))
        try file.commit(to: scratch.file("cosign.key"))
        #expect(scratch.mode("cosign.key") == 0o600)
    }

    @Test func exactModeIsSetRegardlessOfTheUmask() throws {
        let scratch = try Scratch()
        // 0666 has the group and other write bits that any usual umask removes.
        let file = try AtomicFile(beside: scratch.file("shared"), mode: 0o666, exactMode: true)
        try file.commit(to: scratch.file("shared"))
        #expect(scratch.mode("shared") == 0o666)
    }

    @Test func temporaryFileCanLiveInAnotherDirectory() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.file("tmp"), withIntermediateDirectories: false)
        let file = try AtomicFile(in: scratch.file("tmp"), prefix: "index.json.")
        #expect(try scratch.names(in: "tmp").count == 1)
        try file.file.write(Data("{}".utf8))
        try file.commit(to: scratch.file("index.json"))
        #expect(try scratch.read("index.json") == "{}")
        #expect(try scratch.names(in: "tmp").isEmpty)
    }

    @Test func missingDirectoryNamesIt() throws {
        let scratch = try Scratch()
        let error = #expect(throws: FileSystemError.self) { try AtomicFile(beside: scratch.file("absent/out")) }
        #expect(error?.message == "cannot create a temporary file in \(scratch.file("absent")): No such file or directory")
    }
}
