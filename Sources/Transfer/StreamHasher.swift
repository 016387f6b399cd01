import AirlockCrypto
import Foundation

/// Hashes a stream of bytes, on a second thread when the stream is large, so that hashing
/// overlaps the reading and writing the caller does between updates. Bytes are copied into
/// a small ring of buffers (`slotCount` × `slotSize`, 4 MiB by default), so memory stays
/// constant whatever the stream's length. Call `finish()` once, or `cancel()` on failure.
final class StreamHasher: @unchecked Sendable {
    /// Streams at least this long are hashed on a second thread.
    static let backgroundThreshold: Int64 = 8 << 20

    let algorithm: DigestAlgorithm
    private let stream: DigestStream
    private let ring: HashRing?

    init(_ algorithm: DigestAlgorithm, expectedSize: Int64) {
        self.algorithm = algorithm
        stream = DigestStream(algorithm)
        ring = expectedSize >= Self.backgroundThreshold ? HashRing(stream: stream) : nil
    }

    func update(_ bytes: UnsafeRawBufferPointer) {
        if let ring { ring.enqueue(bytes) } else { stream.update(bytes) }
    }

    /// Waits for the queued bytes and returns the digest.
    func finish() -> Digest {
        ring?.drain()
        return stream.finish()
    }

    /// Stops the worker thread without waiting for the digest.
    func cancel() { ring?.stop() }
}

/// The worker side of `StreamHasher`: a thread that hashes filled buffers and hands them back.
private final class HashRing: @unchecked Sendable {
    private static let slotSize = 1 << 20
    private static let slotCount = 4

    private let condition = NSCondition()
    private let storage: UnsafeMutableRawBufferPointer
    private var free: [Int]
    private var filled: [(slot: Int, count: Int)] = []
    private var closing = false
    private var stopped = false
    private var running = true
    private let stream: DigestStream

    init(stream: DigestStream) {
        self.stream = stream
        storage = .allocate(byteCount: Self.slotSize * Self.slotCount, alignment: 64)
        free = Array(0..<Self.slotCount)
        let thread = Thread { [self] in work() }
        thread.name = "airlock-hash"
        thread.start()
    }

    deinit { storage.deallocate() }

    private func slot(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(rebasing: storage[index * Self.slotSize ..< (index + 1) * Self.slotSize])
    }

    func enqueue(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let count = min(Self.slotSize, bytes.count - offset)
            condition.lock()
            while free.isEmpty { condition.wait() }
            let index = free.removeLast()
            condition.unlock()
            slot(index).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + count]))
            condition.lock()
            filled.append((index, count))
            condition.broadcast()
            condition.unlock()
            offset += count
        }
    }

    /// Returns when every queued buffer has been hashed and the thread has ended.
    func drain() {
        condition.lock()
        closing = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        condition.lock()
        while true {
            while filled.isEmpty && !closing && !stopped { condition.wait() }
            if stopped || filled.isEmpty { break }
            let (index, count) = filled.removeFirst()
            condition.unlock()
            stream.update(UnsafeRawBufferPointer(rebasing: slot(index)[0..<count]))
            condition.lock()
            free.append(index)
            condition.broadcast()
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
