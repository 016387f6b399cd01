import Foundation
import Testing

/// Command-line mistakes are one line on stderr naming the help to read, with status 64;
/// `--help` and `--version` keep ArgumentParser's output.
@Suite("usage errors")
struct UsageErrorTests {
    @Test(arguments: [
        (["verify", "--key", "k", "--bogus", "x"], "verify", "Unknown option '--bogus'"),
        (["layout", "tag"], "layout tag", "Missing expected argument"),
        (["layout", "verify", "--output", "yaml", "x"], "layout verify", "'yaml'"),
        (["frobnicate"], "", "frobnicate"),
        (["trusted-root", "create"], "trusted-root create", "give at least one of"),
        (["sign", "--key", "k", "--annotation", "novalue", "x"], "sign", #"--annotation "novalue" is not key=value"#),
    ])
    func parseAndValidationErrorsAreOneLine(arguments: [String], command: String, message: String) throws {
        let outcome = try AirlockProcess.run(arguments)
        #expect(outcome.isUsageError(command), "\(outcome)")
        #expect(outcome.stderrText.contains(message), "\(outcome)")
        #expect(outcome.stdout.isEmpty)
    }

    @Test func helpAndVersionAreArgumentParsers() throws {
        let help = try AirlockProcess.run(["layout", "tag", "--help"])
        #expect(help.status == 0, "\(help)")
        #expect(help.stdoutText.contains("USAGE: airlock layout tag"), "\(help.stdoutText)")
        #expect(help.stdoutText.split(separator: "\n").count > 3)
        #expect(help.stderr.isEmpty)
        let version = try AirlockProcess.run(["--version"])
        #expect(version.status == 0 && version.stdoutText == "0.1.0\n", "\(version)")
        let root = try AirlockProcess.run([])
        #expect(root.status == 0 && root.stdoutText.contains("SUBCOMMANDS:"), "\(root)")
    }
}
