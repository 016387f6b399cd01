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
    public convenience init(wiping array: inout [UInt8]) {
        self.init(copying: UnsafeRawBufferPointer(start: array, count: array.count))
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

    public let count: Int

    public var isEmpty: Bool { count == 0 }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: buffer.baseAddress, count: count))
    }

    deinit {
        sodium_memzero(buffer.baseAddress!, buffer.count)
        buffer.deallocate()
    }
}
