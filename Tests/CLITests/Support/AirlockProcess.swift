import Foundation
import Testing

/// Runs the built `airlock` binary as a user would: `$AIRLOCK`, else `.build/debug/airlock`
/// under the package root. stdin is /dev/null unless given (so airlock never sees a
/// terminal), stdout and stderr are captured through files (no pipe deadlocks), and a
/// process still running after `timeout` is killed and reported as timed out.
struct AirlockProcess {
    /// The outcome of one run.
    struct Result: CustomStringConvertible {
        let status: Int32
        let stdout: Data
        let stderr: Data
        let timedOut: Bool
        /// Killed by a signal (`status` is then the signal number).
        var signaled = false

        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        /// stderr split into lines (without the final empty one).
        var stderrLines: [String] { stderrText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }

        /// Exactly one stderr line of the form `airlock: error: ...`, and a failing status.
        var isOneLineError: Bool {
            status != 0 && !timedOut && stderrLines.count == 1 && stderrLines[0].hasPrefix("airlock: error: ")
        }

        /// A usage error: status 64 and exactly one stderr line,
        /// `airlock: error: <message> (see 'airlock <command> --help')` (`command` empty for the root).
        func isUsageError(_ command: String) -> Bool {
            status == 64 && !timedOut && stderrLines.count == 1 && stderrLines[0].hasPrefix("airlock: error: ")
                && stderrLines[0].hasSuffix(" (see '\((["airlock"] + [command].filter { !$0.isEmpty }).joined(separator: " ")) --help')")
        }

        var description: String {
            "\(signaled ? "signal" : "status") \(status)\(timedOut ? " (timed out)" : ""), stderr: \(stderrText.prefix(2000))"
        }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["AIRLOCK"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return packageRoot.appendingPathComponent(".build/debug/airlock")
    }

    /// Environment for a run that finds no trusted root by discovery (and prints no note about one).
    static func quietEnvironment(home: String) -> [String: String] {
        ["HOME": home, "SIGSTORE_TRUSTED_ROOT": "", "TUF_ROOT": ""]
    }

    /// Environment variables a run starts without (so the caller's shell cannot leak a password in).
    static let scrubbedVariables = ["COSIGN_PASSWORD", "AIRLOCK_IMPORT_PASSWORD"]

    /// Runs `airlock arguments…` in `directory` with the caller's environment minus
    /// `scrubbedVariables`, plus `environment`.
    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
                    stdin: URL? = nil, timeout: TimeInterval = 60) throws -> Result {
        let binary = binary
        try #require(FileManager.default.isExecutableFile(atPath: binary.path),
                     "airlock binary not found at \(binary.path): run `swift build` or set AIRLOCK")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let input = try FileHandle(forReadingFrom: stdin ?? URL(fileURLWithPath: "/dev/null"))
        defer { try? out.close(); try? err.close(); try? input.close() }

        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var env = ProcessInfo.processInfo.environment
        for name in scrubbedVariables { env.removeValue(forKey: name) }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            process.terminate()
            finished.wait()
        }
        return Result(status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                      stderr: try Data(contentsOf: errURL), timedOut: timedOut,
                      signaled: !timedOut && process.terminationReason == .uncaughtSignal)
    }
}

/// A temporary directory for one test, removed when the value is released.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("airlock-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }

    func contents(_ name: String) throws -> Data { try Data(contentsOf: url.appendingPathComponent(name)) }

    /// File names present, sorted.
    var entries: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }

    func mode(_ name: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path(name))
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }
}
