import AirlockCrypto
import Foundation
import Testing

@Suite struct StreamHasherTests {
    static let slot = StreamHasher.chunkSize
    static let threshold = Int(StreamHasher.backgroundThreshold)
    /// Lengths around the empty stream, one slot, and the background threshold.
    static let lengths = [0, 1, slot - 1, slot, slot + 1, 3 * slot + 7, threshold - 1, threshold, threshold + 1]

    /// Deterministic bytes with a period (4099, prime) that no chunk boundary lines up with.
    static func content(_ count: Int) -> Data {
        let period = Data((0..<4099).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 8) })
        var data = Data(capacity: count + period.count)
        while data.count < count { data.append(period) }
        return data.prefix(count)
    }

    /// Feeds `data` through `fill` in reads of at most `readSize` bytes (as a file read
    /// returns short counts); checks each returned chunk is what was written.
    static func filled(_ data: Data, hasher: StreamHasher, readSize: Int) -> Digest {
        var offset = 0
        data.withUnsafeBytes { source in
            while true {
                let chunk = hasher.fill(upTo: readSize) { buffer in
                    let count = min(buffer.count, source.count - offset)
                    buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<(offset + count)]))
                    return count
                }
                if chunk.isEmpty { break }
                let expected = UnsafeRawBufferPointer(rebasing: source[offset..<(offset + chunk.count)])
                #expect(Data(chunk) == Data(expected))
                offset += chunk.count
            }
        }
        #expect(offset == data.count)
        return hasher.finish()
    }

    @Test(arguments: lengths)
    func fillGivesTheSameDigestInlineAndInBackground(length: Int) {
        let data = Self.content(length)
        let expected = Digest.of(data)
        for readSize in [Self.slot, 65_537] {
            #expect(Self.filled(data, hasher: StreamHasher(.sha256, inBackground: false), readSize: readSize) == expected)
            #expect(Self.filled(data, hasher: StreamHasher(.sha256, inBackground: true), readSize: readSize) == expected)
        }
    }

    @Test(arguments: [0, Self.slot - 1, Self.slot + 1, Self.threshold + 1])
    func updateGivesTheSameDigestInlineAndInBackground(length: Int) {
        let data = Self.content(length)
        for background in [false, true] {
            let hasher = StreamHasher(.sha512, inBackground: background)
            data.withUnsafeBytes { bytes in
                // An update larger than a slot, then the rest.
                let split = min(bytes.count, Self.slot + 3)
                hasher.update(UnsafeRawBufferPointer(rebasing: bytes[0..<split]))
                hasher.update(UnsafeRawBufferPointer(rebasing: bytes[split...]))
            }
            #expect(hasher.finish() == Digest.of(data, algorithm: .sha512))
        }
    }

    @Test func sizeChoosesWhereToHashButNotTheDigest() {
        let data = Self.content(Self.threshold)
        let small = StreamHasher(.sha384, expectedSize: 10)
        let large = StreamHasher(.sha384, expectedSize: StreamHasher.backgroundThreshold)
        #expect(Self.filled(data, hasher: small, readSize: Self.slot) == Self.filled(data, hasher: large, readSize: Self.slot))
    }

    @Test func failedFillIsRethrownAndCancelReturns() {
        struct ReadFailed: Error {}
        let hasher = StreamHasher(.sha256, inBackground: true)
        _ = hasher.fill(upTo: Self.slot) { $0.count }
        #expect(throws: ReadFailed.self) {
            _ = try hasher.fill(upTo: Self.slot) { _ in throw ReadFailed() }
        }
        hasher.cancel()
    }
}
