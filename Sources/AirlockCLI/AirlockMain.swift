import ArgumentParser
import Foundation

/// Process entry point: parses, runs, and turns every failure into one line on stderr and
/// an explicit exit code (see `ExitStatus`).
public enum AirlockMain {
    public static func run(_ arguments: [String]? = nil) -> Never {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try Airlock.parseAsRoot(arguments)
            try command.run()
            exit(ExitStatus.success.rawValue)
        } catch let exitCode as ExitCode {
            exit(exitCode.rawValue)
        } catch let failure as CommandFailure {
            Terminal.printError(failure.message)
            exit(failure.status.rawValue)
        } catch {
            if Airlock.isParserError(error) {
                Airlock.exit(withError: error)
            }
            Terminal.printError(String(describing: error))
            exit(ExitStatus.failure.rawValue)
        }
    }
}

extension Airlock {
    /// Errors from ArgumentParser itself (usage, help, version) keep its own reporting.
    static func isParserError(_ error: Error) -> Bool {
        let code = exitCode(for: error)
        return code != .failure || message(for: error).isEmpty || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
