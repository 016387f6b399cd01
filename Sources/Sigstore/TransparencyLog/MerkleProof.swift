import AirlockCrypto
import Foundation

/// Why a Merkle inclusion proof was refused.
public enum MerkleProofError: Error, Sendable, Equatable, CustomStringConvertible {
    case indexOutOfRange(index: UInt64, treeSize: UInt64)
    case negativeIndexOrSize(index: Int64, treeSize: Int64)
    case wrongProofLength(actual: Int, expected: Int)
    /// A hash (`leaf`, `root` or `proof[i]`) that is not 32 bytes.
    case badHashLength(what: String, length: Int)
    case rootMismatch(expected: Data, computed: Data)

    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let size):
            "inclusion proof: leaf index \(index) is not inside a tree of size \(size)"
        case .negativeIndexOrSize(let index, let size):
            "inclusion proof: negative leaf index \(index) or tree size \(size)"
        case .wrongProofLength(let actual, let expected):
            "inclusion proof: \(actual) hashes where a proof for this index and tree size has \(expected)"
        case .badHashLength(let what, let length):
            "inclusion proof: \(what) is \(length) bytes, not 32"
        case .rootMismatch(let expected, let computed):
            "inclusion proof: computed root \(computed.lowercaseHex) does not match the expected root \(expected.lowercaseHex)"
        }
    }
}

/// RFC 6962 / RFC 9162 Merkle tree hashing and inclusion proofs (FORMATS.md §8.4).
public enum Merkle {
    /// The size of every hash: SHA-256.
    public static let hashSize = 32

    /// `SHA-256(0x00 ‖ data)`.
    public static func leafHash(_ data: Data) -> Data {
        let hasher = DigestStream(.sha256)
        hasher.update([UInt8(0)])
        hasher.update(data)
        return hasher.finish().bytes
    }

    /// `SHA-256(0x01 ‖ left ‖ right)`.
    public static func nodeHash(_ left: Data, _ right: Data) -> Data {
        let hasher = DigestStream(.sha256)
        hasher.update([UInt8(1)])
        hasher.update(left)
        hasher.update(right)
        return hasher.finish().bytes
    }

    /// The number of hashes in the inclusion proof of leaf `index` in a tree of `treeSize`
    /// leaves: the inner path plus the right-border path (0 when `index >= treeSize`).
    public static func proofLength(index: UInt64, treeSize: UInt64) -> Int {
        guard index < treeSize else { return 0 }
        let inner = innerProofLength(index: index, treeSize: treeSize)
        return inner + (index >> UInt64(inner)).nonzeroBitCount
    }

    private static func innerProofLength(index: UInt64, treeSize: UInt64) -> Int {
        UInt64.bitWidth - (index ^ (treeSize - 1)).leadingZeroBitCount
    }

    /// The root an inclusion proof leads to (transparency-dev/merkle's algorithm): requires
    /// `index < treeSize`, 32-byte hashes, and exactly `proofLength(index:treeSize:)` of them.
    public static func rootFromInclusionProof(leafHash: Data, index: UInt64, treeSize: UInt64,
                                              proof: [Data]) throws(MerkleProofError) -> Data {
        guard index < treeSize else { throw .indexOutOfRange(index: index, treeSize: treeSize) }
        guard leafHash.count == hashSize else { throw .badHashLength(what: "the leaf hash", length: leafHash.count) }
        let inner = innerProofLength(index: index, treeSize: treeSize)
        let expected = proofLength(index: index, treeSize: treeSize)
        guard proof.count == expected else { throw .wrongProofLength(actual: proof.count, expected: expected) }
        for (position, hash) in proof.enumerated() where hash.count != hashSize {
            throw .badHashLength(what: "proof hash \(position)", length: hash.count)
        }
        var node = leafHash
        for (level, sibling) in proof.enumerated() {
            if level < inner, (index >> UInt64(level)) & 1 == 0 {
                node = nodeHash(node, sibling)
            } else {
                node = nodeHash(sibling, node)
            }
        }
        return node
    }

    /// Checks that `leafHash` is leaf `index` of the tree of `treeSize` leaves whose root is `rootHash`.
    public static func verifyInclusion(leafHash: Data, index: UInt64, treeSize: UInt64, proof: [Data],
                                       rootHash: Data) throws(MerkleProofError) {
        guard rootHash.count == hashSize else { throw .badHashLength(what: "the root hash", length: rootHash.count) }
        let computed = try rootFromInclusionProof(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof)
        guard computed == rootHash else { throw .rootMismatch(expected: rootHash, computed: computed) }
    }
}

extension InclusionProof {
    /// Verifies the proof for a leaf whose data is `leafData` using the proof's own index, tree
    /// size and root (the Rekor v1 rule, leaf data = `canonicalizedBody`).
    public func verify(leafData: Data) throws(MerkleProofError) {
        guard let index = UInt64(exactly: logIndex), let size = UInt64(exactly: treeSize) else {
            throw .negativeIndexOrSize(index: logIndex, treeSize: treeSize)
        }
        try Merkle.verifyInclusion(leafHash: Merkle.leafHash(leafData), index: index, treeSize: size,
                                   proof: hashes, rootHash: rootHash)
    }
}
