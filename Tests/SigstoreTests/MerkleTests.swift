import Foundation
import SigstoreTestKit
import Testing
@testable import Sigstore

@Suite("Merkle trees and inclusion proofs")
struct MerkleTests {
    /// The RFC 6962 test leaves used by certificate-transparency and transparency-dev.
    private static let vectorLeaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                       "606162636465666768696a6b6c6d6e6f"].map { Data(lowercaseHex: $0)! }

    private static func tree(size: Int) -> MerkleTree {
        var tree = MerkleTree()
        for index in 0..<size { tree.append(leafData: Data("leaf \(index)".utf8)) }
        return tree
    }

    @Test func rootsMatchTheRFC6962Vectors() throws {
        // Roots of the first n vector leaves (recomputed independently in Python from RFC 6962 §2.1).
        let roots = [
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ]
        var tree = MerkleTree()
        for leaf in Self.vectorLeaves { tree.append(leafData: leaf) }
        for (size, root) in roots.enumerated() {
            #expect(try tree.rootHash(treeSize: UInt64(size)).lowercaseHex == root, "size \(size)")
        }
    }

    @Test func everyProofOfEveryTreeUpTo64LeavesVerifies() throws {
        let tree = Self.tree(size: 64)
        for size in UInt64(1)...64 {
            let root = try tree.rootHash(treeSize: size)
            for index in 0..<size {
                let proof = try tree.inclusionProof(index: index, treeSize: size)
                #expect(proof.count == Merkle.proofLength(index: index, treeSize: size))
                try Merkle.verifyInclusion(leafHash: tree.leafHashes[Int(index)], index: index, treeSize: size,
                                           proof: proof, rootHash: root)
            }
        }
    }

    @Test func tamperedProofsFailWithTheirReason() throws {
        let tree = Self.tree(size: 64)
        for size in UInt64(2)...64 {
            let root = try tree.rootHash(treeSize: size)
            for index in 0..<size {
                let leaf = tree.leafHashes[Int(index)]
                let proof = try tree.inclusionProof(index: index, treeSize: size)
                for position in proof.indices {
                    var tampered = proof
                    tampered[position] = tampered[position].flippingBit(at: 31)
                    #expect(throws: MerkleProofError.self) {
                        try Merkle.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: tampered, rootHash: root)
                    }
                }
                // Another leaf, the wrong index, a longer or shorter proof, a wrong root.
                let other = tree.leafHashes[Int((index + 1) % size)]
                #expect(throws: MerkleProofError.self) {
                    try Merkle.verifyInclusion(leafHash: other, index: index, treeSize: size, proof: proof, rootHash: root)
                }
                #expect(throws: MerkleProofError.wrongProofLength(actual: proof.count + 1, expected: proof.count)) {
                    try Merkle.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: proof + [root], rootHash: root)
                }
                if !proof.isEmpty {
                    #expect(throws: MerkleProofError.wrongProofLength(actual: proof.count - 1, expected: proof.count)) {
                        try Merkle.verifyInclusion(leafHash: leaf, index: index, treeSize: size,
                                                   proof: Array(proof.dropLast()), rootHash: root)
                    }
                }
                let wrongRoot = root.flippingBit(at: 0)
                let computed = try Merkle.rootFromInclusionProof(leafHash: leaf, index: index, treeSize: size, proof: proof)
                #expect(throws: MerkleProofError.rootMismatch(expected: wrongRoot, computed: computed)) {
                    try Merkle.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: proof, rootHash: wrongRoot)
                }
                #expect(computed == root)
            }
        }
    }

    @Test func proofsForOtherIndicesDoNotVerify() throws {
        let tree = Self.tree(size: 20)
        let root = try tree.rootHash(treeSize: 13)
        for index in UInt64(0)..<13 {
            let proof = try tree.inclusionProof(index: index, treeSize: 13)
            for otherIndex in UInt64(0)..<13 where otherIndex != index {
                #expect(throws: MerkleProofError.self) {
                    try Merkle.verifyInclusion(leafHash: tree.leafHashes[Int(index)], index: otherIndex, treeSize: 13,
                                               proof: proof, rootHash: root)
                }
            }
        }
        // The tree size is not bound by the proof alone (the signed checkpoint binds it to the
        // root): a proof for size 13 also verifies as size 14 for leaves of the left subtree.
        let proof = try tree.inclusionProof(index: 2, treeSize: 13)
        try Merkle.verifyInclusion(leafHash: tree.leafHashes[2], index: 2, treeSize: 14, proof: proof, rootHash: root)
    }

    @Test func refusesImpossibleInputs() throws {
        let leaf = Merkle.leafHash(Data())
        #expect(throws: MerkleProofError.indexOutOfRange(index: 5, treeSize: 5)) {
            try Merkle.verifyInclusion(leafHash: leaf, index: 5, treeSize: 5, proof: [], rootHash: leaf)
        }
        #expect(throws: MerkleProofError.indexOutOfRange(index: 0, treeSize: 0)) {
            try Merkle.verifyInclusion(leafHash: leaf, index: 0, treeSize: 0, proof: [], rootHash: leaf)
        }
        #expect(throws: MerkleProofError.badHashLength(what: "the leaf hash", length: 31)) {
            try Merkle.verifyInclusion(leafHash: leaf.prefix(31), index: 0, treeSize: 1, proof: [], rootHash: leaf)
        }
        #expect(throws: MerkleProofError.badHashLength(what: "proof hash 0", length: 33)) {
            try Merkle.verifyInclusion(leafHash: leaf, index: 0, treeSize: 2, proof: [leaf + [0]], rootHash: leaf)
        }
        #expect(throws: MerkleProofError.badHashLength(what: "the root hash", length: 0)) {
            try Merkle.verifyInclusion(leafHash: leaf, index: 0, treeSize: 1, proof: [], rootHash: Data())
        }
        // Sizes near 2^64 neither trap nor pass.
        #expect(throws: MerkleProofError.wrongProofLength(actual: 0, expected: 63)) {
            try Merkle.verifyInclusion(leafHash: leaf, index: UInt64.max - 1, treeSize: UInt64.max, proof: [], rootHash: leaf)
        }
        let negative = InclusionProof(logIndex: -1, rootHash: leaf, treeSize: 1, hashes: [], checkpoint: "x")
        #expect(throws: MerkleProofError.negativeIndexOrSize(index: -1, treeSize: 1)) { try negative.verify(leafData: Data()) }
        let tree = Self.tree(size: 3)
        #expect(throws: MerkleProofError.self) { try tree.inclusionProof(index: 3) }
        #expect(throws: MerkleProofError.self) { try tree.rootHash(treeSize: 4) }
    }
}
