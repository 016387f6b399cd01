import CSodium
import Foundation

/// Secret bytes (a password, a private key) in memory that is wiped when released.
public final class SecureBytes: @unchecked Sendable {
    private let buffer: UnsafeMutableRawBufferPointer

    /// Copies `bytes`; the caller remains responsible for wiping its own copy.
    public init(copying bytes: UnsafeRawBufferPointer) {
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        if bytes.count > 0 { buffer.copyMemory(from: bytes) }
        count = bytes.count
    }

    /// Takes the bytes of `array` and wipes the array.
    public init(wiping array: inout [UInt8]) {
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(array.count, 1), alignment: 16)
        array.withUnsafeBytes { source in
            if source.count > 0 { storage.copyMemory(from: source) }
        }
        buffer = storage
        count = array.count
        Self.wipe(&array)
    }

    /// Zeroes `array` (in a way the optimiser keeps) and empties it.
    public static func wipe(_ array: inout [UInt8]) {
        array.withUnsafeMutableBytes { raw in
            if let base = raw.baseAddress { sodium_memzero(base, raw.count) }
        }
        array.removeAll()
    }

    /// Takes the UTF-8 bytes of `string` (Swift strings cannot be wiped: keep them short-lived).
    public convenience init(utf8 string: String) {
        var bytes = Array(string.utf8)
        self.init(wiping: &bytes)
    }

    /// `count` zero bytes, to be filled in place by the module (derived keys, decrypted plaintext).
    init(zeroedCount: Int) {
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(zeroedCount, 1), alignment: 16)
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        count = zeroedCount
    }

    public let count: Int

    public var isEmpty: Bool { count == 0 }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
    }

    func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: count))
    }

    /// Constant-time comparison (for password confirmation).
    public func isEqual(to other: SecureBytes) -> Bool {
        guard count == other.count else { return false }
        guard count > 0 else { return true }
        return withUnsafeBytes { mine in
            other.withUnsafeBytes { theirs in sodium_memcmp(mine.baseAddress!, theirs.baseAddress!, count) == 0 }
        }
    }

    deinit {
        sodium_memzero(buffer.baseAddress!, buffer.count)
        buffer.deallocate()
    }
}
