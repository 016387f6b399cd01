import Foundation

/// GNU tar (`/bin/tar`), to write and read tarballs as another tool would.
enum Tar {
    /// Runs `/bin/tar arguments…`; its exit status and standard output.
    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/tar")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, stdout)
    }
}
