import AirlockCrypto
import Foundation

/// An append-only RFC 6962 Merkle tree that computes roots and inclusion proofs for any of its
/// past sizes (the log of the test kit, and an independent oracle for `Merkle.verifyInclusion`).
/// Computed straight from the RFC's recursive definitions: O(n) hashes per root or proof.
public struct MerkleTree: Sendable {
    public private(set) var leafHashes: [Data] = []

    public init() {}

    public var size: UInt64 { UInt64(leafHashes.count) }

    /// Adds a leaf and returns its index.
    @discardableResult
    public mutating func append(leafData: Data) -> UInt64 {
        leafHashes.append(Merkle.leafHash(leafData))
        return UInt64(leafHashes.count - 1)
    }

    /// `MTH` of the first `treeSize` leaves (default: all); the hash of the empty string for 0.
    public func rootHash(treeSize: UInt64? = nil) throws(MerkleProofError) -> Data {
        let size = try checkedSize(treeSize)
        if size == 0 { return Digest.of(Data()).bytes }
        return subtreeHash(0..<size)
    }

    /// `PATH(index, D[treeSize])`: sibling hashes from the leaf up.
    public func inclusionProof(index: UInt64, treeSize: UInt64? = nil) throws(MerkleProofError) -> [Data] {
        let size = try checkedSize(treeSize)
        guard index < UInt64(size) else { throw .indexOutOfRange(index: index, treeSize: UInt64(size)) }
        let leaf = Int(index)
        var range = 0..<size
        var siblings: [Data] = []  // root to leaf
        while range.count > 1 {
            let split = range.lowerBound + Self.largestPowerOfTwoBelow(range.count)
            if leaf < split {
                siblings.append(subtreeHash(split..<range.upperBound))
                range = range.lowerBound..<split
            } else {
                siblings.append(subtreeHash(range.lowerBound..<split))
                range = split..<range.upperBound
            }
        }
        return siblings.reversed()
    }

    private func checkedSize(_ treeSize: UInt64?) throws(MerkleProofError) -> Int {
        guard let treeSize else { return leafHashes.count }
        guard treeSize <= size else { throw .indexOutOfRange(index: treeSize, treeSize: size) }
        return Int(treeSize)
    }

    private func subtreeHash(_ range: Range<Int>) -> Data {
        if range.count == 1 { return leafHashes[range.lowerBound] }
        let split = range.lowerBound + Self.largestPowerOfTwoBelow(range.count)
        return Merkle.nodeHash(subtreeHash(range.lowerBound..<split), subtreeHash(split..<range.upperBound))
    }

    /// The largest power of two strictly below `count` (`count >= 2`).
    private static func largestPowerOfTwoBelow(_ count: Int) -> Int {
        1 << (Int.bitWidth - (count - 1).leadingZeroBitCount - 1)
    }
}
