import ArgumentParser
import Foundation

/// Process entry point: parses, runs, and turns every failure into one line on stderr and
/// an explicit exit code (see `ExitStatus`). `--help`, `--version` and other clean exits keep
/// ArgumentParser's own output.
public enum AirlockMain {
    public static func run(_ arguments: [String]? = nil) -> Never {
        signal(SIGPIPE, SIG_IGN)
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        do {
            var command = try Airlock.parseAsRoot(arguments)
            try command.run()
            exit(ExitStatus.success.rawValue)
        } catch let exitCode as ExitCode {
            exit(exitCode.rawValue)
        } catch let failure as CommandFailure {
            Terminal.printError(failure.status == .usage ? Airlock.usageError(failure.message, arguments: arguments) : failure.message)
            exit(failure.status.rawValue)
        } catch {
            guard Airlock.isParserError(error) else {
                Terminal.printError(String(describing: error))
                exit(ExitStatus.failure.rawValue)
            }
            let message = Airlock.message(for: error)
            if Airlock.exitCode(for: error) == .success || message.isEmpty {
                Airlock.exit(withError: error)
            }
            Terminal.printError(Airlock.usageError(message, arguments: arguments))
            exit(ExitStatus.usage.rawValue)
        }
    }
}

extension Airlock {
    /// Errors from ArgumentParser itself (usage, help, version) and from `validate()`.
    static func isParserError(_ error: Error) -> Bool {
        let code = exitCode(for: error)
        return code != .failure || message(for: error).isEmpty || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }

    /// `<message> (see 'airlock <subcommand> --help')`, on one line: ArgumentParser's
    /// multi-line messages (lists of values) are joined.
    static func usageError(_ message: String, arguments: [String]) -> String {
        let oneLine = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return "\(oneLine) (see '\(commandPath(arguments).joined(separator: " ")) --help')"
    }

    /// The names of the command the arguments select: `["airlock", "layout", "tag"]`.
    static func commandPath(_ arguments: [String]) -> [String] {
        var command: ParsableCommand.Type = Airlock.self
        var path = [command._commandName]
        for argument in arguments where !argument.hasPrefix("-") {
            guard let subcommand = command.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            command = subcommand
            path.append(subcommand._commandName)
        }
        return path
    }
}
