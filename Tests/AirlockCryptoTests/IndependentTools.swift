import Foundation

/// The `openssl` command line, an independent check of what AirlockCrypto issues.
enum OpenSSLCommand {
    static let path = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isAvailable: Bool { path != nil }

    /// Runs `openssl args` in `directory`; returns the exit status and the combined output.
    static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        try execute(path ?? "openssl", arguments, in: directory)
    }

    /// Runs `executable args` in `directory`; returns the exit status and the combined output.
    static func execute(_ executable: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// A fresh temporary directory holding `files`.
    static func directory(_ files: [String: Data]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-openssl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, data) in files { try data.write(to: directory.appendingPathComponent(name)) }
        return directory
    }
}

/// A Python with `cryptography` (`$AIRLOCK_PYTHON`, else python3), a second independent check.
enum PythonCryptography {
    static let path: String? = {
        let candidates = [ProcessInfo.processInfo.environment["AIRLOCK_PYTHON"], "/usr/bin/python3"].compactMap { $0 }
        return candidates.first { candidate in
            guard FileManager.default.isExecutableFile(atPath: candidate) else { return false }
            let probe = try? OpenSSLCommand.execute(candidate, ["-c", "import cryptography"], in: FileManager.default.temporaryDirectory)
            return probe?.status == 0
        }
    }()

    static var isAvailable: Bool { path != nil }

    /// Runs `script` with Python in `directory`.
    static func run(_ script: String, in directory: URL) throws -> (status: Int32, output: String) {
        try OpenSSLCommand.execute(path ?? "python3", ["-c", script], in: directory)
    }
}
