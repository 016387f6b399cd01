import AirlockCrypto
import Foundation

/// Reads a secret from the controlling terminal (/dev/tty) with echo turned off. The
/// terminal's settings are restored on every path, including SIGINT, SIGTERM, SIGHUP and
/// SIGQUIT while the prompt is waiting.
enum TerminalPrompt {
    static let maxByteCount = 4096

    static func readSecret(prompt: String) throws -> SecureBytes {
        let tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard tty >= 0 else {
            throw CommandFailure("cannot open the terminal to ask for a password: \(String(cString: strerror(errno)))")
        }
        defer { close(tty) }
        var original = termios()
        guard tcgetattr(tty, &original) == 0 else {
            throw CommandFailure("cannot read the terminal settings: \(String(cString: strerror(errno)))")
        }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)
        EchoRestorer.arm(tty: tty, settings: original)
        defer { EchoRestorer.disarm() }
        guard tcsetattr(tty, TCSAFLUSH, &silent) == 0 else {
            throw CommandFailure("cannot turn off terminal echo: \(String(cString: strerror(errno)))")
        }
        writeAll(tty, Array(prompt.utf8))
        return try readLine(tty)
    }

    private static func readLine(_ tty: Int32) throws -> SecureBytes {
        var buffer = [UInt8](repeating: 0, count: maxByteCount)
        defer { SecureBytes.wipe(&buffer) }
        var length = 0
        var byte: UInt8 = 0
        defer { byte = 0 }
        while true {
            let got = read(tty, &byte, 1)
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else {
                if length == 0 { throw CommandFailure("no password read from the terminal") }
                break
            }
            if byte == UInt8(ascii: "\n") { break }
            guard length < maxByteCount else { throw CommandFailure("the password is longer than \(maxByteCount) bytes") }
            buffer[length] = byte
            length += 1
        }
        return buffer.withUnsafeBytes { SecureBytes(copying: UnsafeRawBufferPointer(rebasing: $0.prefix(length))) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}

/// Puts the terminal's settings back if a signal ends the process while echo is off.
private enum EchoRestorer {
    nonisolated(unsafe) private static var tty: Int32 = -1
    nonisolated(unsafe) private static var settings = termios()
    nonisolated(unsafe) private static var previous: [Int32: sighandler_t?] = [:]
    private static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    static func arm(tty: Int32, settings: termios) {
        self.settings = settings
        self.tty = tty
        for number in signals {
            previous[number] = signal(number) { received in
                var saved = EchoRestorer.settings
                _ = tcsetattr(EchoRestorer.tty, TCSANOW, &saved)
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    /// Restores the settings (keeping type-ahead for a next prompt) and the previous signal handlers.
    static func disarm() {
        var saved = settings
        _ = tcsetattr(tty, TCSANOW, &saved)
        for number in signals {
            signal(number, previous[number] ?? SIG_DFL)
        }
        previous = [:]
        tty = -1
    }
}
