import AirlockCrypto
import Foundation

/// Small input files read whole, with a size limit. Works on pipes and process
/// substitutions (`--password-file <(pass show key)`), not only regular files.
enum InputFile {
    /// Limit for key files (the largest real one, RSA 4096, is under 5 KiB).
    static let keyLimit = 1024 * 1024

    /// The file's bytes; the caller wipes them when they are secret.
    static func bytes(_ path: String, limit: Int, what: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CommandFailure("cannot read the \(what) \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: limit + 1)
        defer { SecureBytes.wipe(&buffer) }
        var length = 0
        while length <= limit {
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + length, $0.count - length) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                throw CommandFailure("cannot read the \(what) \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            length += got
        }
        guard length <= limit else {
            throw CommandFailure("the \(what) \(path) is larger than \(limit / 1024) KiB")
        }
        return Array(buffer[0..<length])
    }

    /// The file's bytes in wiped memory (an unencrypted private key).
    static func secret(_ path: String, limit: Int, what: String) throws -> SecureBytes {
        var content = try bytes(path, limit: limit, what: what)
        return SecureBytes(wiping: &content)
    }

    /// The file as text (a cosign key file, whose content is encrypted).
    static func text(_ path: String, limit: Int, what: String) throws -> String {
        String(decoding: try bytes(path, limit: limit, what: what), as: UTF8.self)
    }
}
