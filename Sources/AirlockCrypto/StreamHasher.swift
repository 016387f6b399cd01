import Foundation

/// Hashes a stream of bytes, optionally on a second thread so that hashing overlaps the
/// reading and writing the caller does between updates. The thread works on a small ring of
/// 1 MiB buffers (4 MiB), so memory stays constant whatever the stream's length. `fill` lets
/// the caller read straight into the next buffer (no copy) and then use those same bytes
/// (e.g. write them) while they are hashed: what is hashed is exactly what the caller uses.
/// Call `finish()` once, or `cancel()` on failure (releasing the hasher also stops the
/// worker). The digest is the same either way; only where the hashing runs differs. Used
/// from one thread (the worker is internal).
public final class StreamHasher {
    /// Streams at least this long are worth hashing on a second thread.
    public static let backgroundThreshold: Int64 = 8 << 20
    /// The largest chunk `fill` hands out.
    public static let chunkSize = HashRing.slotSize

    private let stream: DigestStream
    private let ring: HashRing?
    private var inlineBuffer: UnsafeMutableRawBufferPointer?

    /// Hashes on a second thread when `inBackground`, else on the caller's thread.
    public init(_ algorithm: DigestAlgorithm, inBackground: Bool) {
        stream = DigestStream(algorithm)
        ring = inBackground ? HashRing(stream: stream) : nil
    }

    /// Hashes on a second thread when `expectedSize` reaches `backgroundThreshold`.
    public convenience init(_ algorithm: DigestAlgorithm, expectedSize: Int64) {
        self.init(algorithm, inBackground: expectedSize >= Self.backgroundThreshold)
    }

    deinit {
        ring?.stop()
        inlineBuffer?.deallocate()
    }

    /// Hashes a copy of `bytes`.
    public func update(_ bytes: UnsafeRawBufferPointer) {
        if let ring { ring.enqueue(bytes) } else { stream.update(bytes) }
    }

    /// Lets `fill` write up to `limit` bytes (at most `chunkSize`) into the next buffer and
    /// returns how many it wrote; those bytes are hashed and are returned for the caller to
    /// use before its next call to `fill`. Returns an empty buffer when `fill` wrote nothing.
    public func fill(upTo limit: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> UnsafeRawBufferPointer {
        let count = max(0, min(limit, Self.chunkSize))
        if let ring { return try ring.fill(upTo: count, fill) }
        let storage = inlineBuffer ?? .allocate(byteCount: Self.chunkSize, alignment: 64)
        inlineBuffer = storage
        let buffer = UnsafeMutableRawBufferPointer(rebasing: storage[0..<count])
        let filled = UnsafeRawBufferPointer(rebasing: buffer[0..<(try fill(buffer))])
        stream.update(filled)
        return filled
    }

    /// Waits for the queued bytes and returns the digest.
    public func finish() -> Digest {
        ring?.drain()
        return stream.finish()
    }

    /// Stops the worker thread without waiting for the digest.
    public func cancel() { ring?.stop() }
}

/// The worker side of `StreamHasher`: a thread that hashes filled buffers and hands them back.
final class HashRing: @unchecked Sendable {
    static let slotSize = 1 << 20
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
            let chunk = UnsafeRawBufferPointer(rebasing: bytes[offset ..< min(offset + Self.slotSize, bytes.count)])
            _ = fill(upTo: chunk.count) { buffer in
                buffer.copyMemory(from: chunk)
                return chunk.count
            }
            offset += chunk.count
        }
    }

    /// Takes a free slot, lets `fill` write into it, and queues what it wrote.
    func fill(upTo count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> Int) rethrows -> UnsafeRawBufferPointer {
        condition.lock()
        while free.isEmpty { condition.wait() }
        let index = free.removeLast()
        condition.unlock()
        let buffer = UnsafeMutableRawBufferPointer(rebasing: slot(index)[0..<count])
        let written: Int
        do {
            written = try fill(buffer)
        } catch {
            condition.lock()
            free.append(index)
            condition.unlock()
            throw error
        }
        condition.lock()
        if written > 0 {
            filled.append((index, written))
        } else {
            free.append(index)
        }
        condition.broadcast()
        condition.unlock()
        return UnsafeRawBufferPointer(rebasing: buffer[0..<written])
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
