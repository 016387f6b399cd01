import COpenSSL

/// An error from a cryptographic operation; `description` is one line naming what failed.
public struct CryptoError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }

    /// Builds an error from `context` and whatever OpenSSL left in this thread's error queue,
    /// draining the queue so that a later failure does not report stale reasons.
    static func openSSL(_ context: String) -> CryptoError {
        let reasons = OpenSSLErrorQueue.drain()
        return CryptoError(reasons.isEmpty ? context : "\(context): \(reasons.joined(separator: "; "))")
    }
}

/// The per-thread OpenSSL error queue.
enum OpenSSLErrorQueue {
    /// Removes every queued error and returns their reason strings, oldest first.
    static func drain() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                reasons.append(String(cString: reason))
            } else {
                reasons.append("OpenSSL error \(code)")
            }
        }
        return reasons
    }

    /// Discards queued errors (after an expected failure, e.g. a signature that did not verify).
    static func clear() {
        ERR_clear_error()
    }
}
